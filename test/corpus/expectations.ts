// What each corpus template deploys, determined by reading the templates (not by running the engine).
//
// Key: path relative to the corpus folder (../shared/corpus/arm). Value: every deployed
// Microsoft.CognitiveServices/accounts resource, in document order (depth-first through inline nested
// deployments), at default parameter values:
//   name        the evaluated `name` when it is a string known before deployment; otherwise the symbolic name
//               (languageVersion 2.0), otherwise the raw `name` expression text.
//   restricted  what `properties.restrictOutboundNetworkAccess` deploys as: true, false (also when absent: the
//               service default is false) or 'unknown' (depends on deployment-time values only).
// Not listed: `existing: true` references (never deployed) and resources whose own or enclosing deployment's
// `condition` is false at default parameters.
//
// Names built from uniqueString(subscription().id | resourceGroup().id | deployment().name, ...) are not known
// before deployment. Every AVM pattern module derives its resource names that way (solutionSuffix / resourcesName)
// or from a required parameter, so every AVM account below shows its symbolic name.

export type Restricted = true | false | 'unknown';

export interface ExpectedResource {
  readonly name: string;
  readonly restricted: Restricted;
  readonly note?: string;
}

/** Account symbolic name inside the AVM module avm/res/cognitive-services/account (and its copies). */
const AVM_ACCOUNT = 'cognitiveService';

export const EXPECTED: Readonly<Record<string, readonly ExpectedResource[]>> = {
  // ---------------------------------------------------------------------------------------------------------
  // azure-quickstart-templates: plain templates, one account each, none sets restrictOutboundNetworkAccess.
  // ---------------------------------------------------------------------------------------------------------

  // name = parameters('aiServicesName'), default 'AIServices-viaARMtemplate'; properties has no
  // restrictOutboundNetworkAccess. The accounts/projects child is not an account.
  'azure-quickstart-templates/quickstarts/microsoft.cognitiveservices/aifoundry-basic-project/azuredeploy.json': [
    { name: 'AIServices-viaARMtemplate', restricted: false },
  ],
  // name default is format('computerVision-{0}', uniqueString(resourceGroup().id)): unknown before deployment,
  // so named by its parameter. publicNetworkAccess Disabled, but egress is not restricted.
  'azure-quickstart-templates/quickstarts/microsoft.cognitiveservices/cognitive-services-Computer-vision-API/azuredeploy.json': [
    { name: "(named by parameter 'aiServicesName')", restricted: false },
  ],
  // name default 'TextTranslation'; properties {} (apiVersion 2017-04-18 predates the property anyway).
  // `translateLocation` has no default and is referenced as 'translatelocation' (parameter names are
  // case-insensitive): irrelevant to egress.
  'azure-quickstart-templates/quickstarts/microsoft.cognitiveservices/cognitive-services-translate/azuredeploy.json': [
    { name: 'TextTranslation', restricted: false },
  ],
  // HARD: the account's name is parameters('aiServicesName') but the template declares only
  // 'cognitiveServiceName' (a mistake in the published quickstart), so ARM would reject the template at
  // validation. We still expect the account to be reported (the author means to deploy it, and fixing the
  // parameter name leaves it unrestricted); its name is unknown, so named by the parameter.
  'azure-quickstart-templates/quickstarts/microsoft.cognitiveservices/cognitive-services-universalkey/azuredeploy.json': [
    {
      name: "(named by parameter 'aiServicesName')",
      restricted: false,
      note: "name refers to an undeclared parameter 'aiServicesName' (declared: 'cognitiveServiceName'): invalid as published; restriction absent either way",
    },
  ],
  // name default format('foundry-{0}', uniqueString(resourceGroup().id)): unknown. No restriction property.
  // accounts/projects and accounts/deployments children are not accounts.
  'azure-quickstart-templates/quickstarts/microsoft.cognitiveservices/foundry-getting-started/azuredeploy.json': [
    { name: "(named by parameter 'foundryName')", restricted: false },
  ],

  // ---------------------------------------------------------------------------------------------------------
  // checkov fixtures: literal names; restrictOutboundNetworkAccess literally false (with an empty
  // allowedFqdnList) or absent. The EnableLocalAuth fixtures have no apiVersion and a non-existent
  // 2023-05-01 schema version: still deployment templates.
  // ---------------------------------------------------------------------------------------------------------
  'checkov/tests/arm/checks/resource/example_CognitiveServicesConfigureIdentity/fail.json': [
    { name: 'fail', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesConfigureIdentity/pass.json': [
    { name: 'pass', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesDisablesPublicNetwork/fail.json': [
    { name: 'fail', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesDisablesPublicNetwork/fail2.json': [
    { name: 'fail2', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesDisablesPublicNetwork/pass.json': [
    { name: 'pass', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesEnableLocalAuth/fail.json': [
    { name: 'fail', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesEnableLocalAuth/fail2.json': [
    { name: 'fail2', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_CognitiveServicesEnableLocalAuth/pass.json': [
    { name: 'pass', restricted: false },
  ],
  // A 1,500-line "every resource type" fixture (130 top-level resources, 2019-03-01-hybrid schema; both files
  // are byte-identical). Two accounts: 'adfad' (ComputerVision, properties {}) and 'myaccounts' (Face,
  // properties { prop1 }). Its nested deployments are either templateLink (content unknowable, nothing to
  // report) or inline templates with no resources.
  'checkov/tests/arm/checks/resource/example_StorageAccountAzureServicesAccessEnabled/storageAccountAzureServicesAccessEnabled-FAILED2.json': [
    { name: 'adfad', restricted: false },
    { name: 'myaccounts', restricted: false },
  ],
  'checkov/tests/arm/checks/resource/example_StorageAccountDefaultNetworkAccessDeny/storageAccountDefaultNetworkAccessDeny-FAILED2.json': [
    { name: 'adfad', restricted: false },
    { name: 'myaccounts', restricted: false },
  ],

  // ---------------------------------------------------------------------------------------------------------
  // PSRule fixtures (identical apart from the generator version): names format('{0}-0N', parameters('name'))
  // with default 'cognitive'; none sets the restriction.
  // ---------------------------------------------------------------------------------------------------------
  'psrule/tests/PSRule.Rules.Azure.Tests/ai.tests.json': [
    { name: 'cognitive-01', restricted: false },
    { name: 'cognitive-02', restricted: false },
    { name: 'cognitive-03', restricted: false },
  ],
  'psrule/tests/PSRule.Rules.Azure.Tests/cognitive.tests.json': [
    { name: 'cognitive-01', restricted: false },
    { name: 'cognitive-02', restricted: false },
    { name: 'cognitive-03', restricted: false },
  ],

  // ---------------------------------------------------------------------------------------------------------
  // Azure Verified Modules (Bicep-compiled, languageVersion 2.0, inline nested deployments).
  // Every account module declares `restrictOutboundNetworkAccess` bool, defaultValue true, and sets
  // properties.restrictOutboundNetworkAccess = [parameters('restrictOutboundNetworkAccess')].
  // ---------------------------------------------------------------------------------------------------------

  // resources.foundryAccount (module.account) > foundryAccount (avm.res.cognitive-services.account) >
  // cognitiveService. Neither deployment passes restrictOutboundNetworkAccess (the outer module does not even
  // declare it) → default true. name: parameters('aiFoundryConfiguration').accountName if given, else
  // format('ai{0}', resourcesName) where resourcesName = baseName (required, no default) + baseUniqueName
  // (uniqueString default) → unknown. resources.foundryProject only references the account with existing: true.
  'bicep-registry-modules/avm/ptn/ai-ml/ai-foundry/main.json': [
    { name: AVM_ACCOUNT, restricted: true },
  ],
  // Only an `existing: true` reference to the parent account (foundryAccount).
  'bicep-registry-modules/avm/ptn/ai-ml/ai-foundry/modules/project/main.json': [],
  // hubDependencies > cognitiveServices > cognitiveService (3 levels of templates). cognitiveServicesName is
  // required (no default) and passed down as name; restrictOutboundNetworkAccess never passed → true.
  'bicep-registry-modules/avm/ptn/azd/ml-ai-environment/main.json': [
    { name: AVM_ACCOUNT, restricted: true },
  ],
  // cognitiveServices > cognitiveService: same as above, one level less.
  'bicep-registry-modules/avm/ptn/azd/ml-hub-dependencies/main.json': [
    { name: AVM_ACCOUNT, restricted: true },
  ],
  // No AI account at all ("Microsoft.CognitiveServices" appears only in resource-provider registration lists).
  'bicep-registry-modules/avm/ptn/lz/sub-vending/main.json': [],
  // aiFoundryAiServices (local copy of the account module) > cognitiveServiceNew: unconditional;
  // restrictOutboundNetworkAccess not passed → true. Its cognitive_service_dependencies > cognitiveService
  // and > aiProject > cogServiceReference are existing references.
  'bicep-registry-modules/avm/ptn/sa/build-your-own-copilot/main.json': [
    { name: 'cognitiveServiceNew', restricted: true },
  ],
  // HARD: five wrapper modules (openai, computerVision, speechService, formrecognizer, contentsafety), each a
  // wrapper declaring its own restrictOutboundNetworkAccess (default true) and passing
  // [parameters('restrictOutboundNetworkAccess')] to the inner cognitiveServices > cognitiveService.
  //   openai: passes { value: true } → true.
  //   computerVision: condition [parameters('useAdvancedImageProcessing')], default false → not deployed.
  //   speechService: passes nothing → wrapper default true → true.
  //   formrecognizer: passes { value: true } → true.
  //   contentsafety: passes nothing → true.
  // Names: format('oai-|spch-|di-|cs-{0}', solutionSuffix) with a uniqueString suffix → unknown.
  'bicep-registry-modules/avm/ptn/sa/chat-with-your-data/main.json': [
    { name: AVM_ACCOUNT, restricted: true, note: 'openai: passed true' },
    { name: AVM_ACCOUNT, restricted: true, note: 'speechService: wrapper default true' },
    { name: AVM_ACCOUNT, restricted: true, note: 'formrecognizer: passed true' },
    { name: AVM_ACCOUNT, restricted: true, note: 'contentsafety: wrapper default true' },
  ],
  // HARD (the one unrestricted AVM account): aiFoundryAiServices passes
  // properties.parameters.restrictOutboundNetworkAccess = { value: false } to the account module, overriding its
  // default true. aiFoundryAiServicesProject > cogServiceReference is an existing reference.
  'bicep-registry-modules/avm/ptn/sa/content-generation/main.json': [
    { name: AVM_ACCOUNT, restricted: false, note: 'parent deployment aiFoundryAiServices passes { value: false }' },
  ],
  // avmAiServices (module.ai-services) > cognitiveService and avmAiServices_cu (content understanding) >
  // cognitiveService: neither passes the restriction → true. The cognitive_service_dependencies accounts are
  // existing references.
  'bicep-registry-modules/avm/ptn/sa/content-processing/main.json': [
    { name: AVM_ACCOUNT, restricted: true, note: 'avmAiServices' },
    { name: AVM_ACCOUNT, restricted: true, note: 'avmAiServices_cu' },
  ],
  // HARD: aiFoundryAiServices has condition [variables('aiFoundryAIservicesEnabled')] = true (literal variable).
  // Inside, useExistingService = not(empty(parameters('existingFoundryProjectResourceId'))); the parent does
  // not pass that parameter, default '' → false. So cognitiveServiceNew (condition not(useExistingService))
  // is deployed, cognitiveServiceExisting is an existing reference with a false condition, and
  // existing_cognitive_service_dependencies is skipped. Restriction not passed → true.
  'bicep-registry-modules/avm/ptn/sa/conversation-knowledge-mining/main.json': [
    { name: 'cognitiveServiceNew', restricted: true },
  ],
  // aiFoundryAiServices > cognitiveService: restriction not passed → true.
  'bicep-registry-modules/avm/ptn/sa/customer-chatbot/main.json': [
    { name: AVM_ACCOUNT, restricted: true },
  ],
  // avmOpenAi > cognitiveService and documentIntelligence > cognitiveService: neither passes it → true.
  'bicep-registry-modules/avm/ptn/sa/document-knowledge-mining/main.json': [
    { name: AVM_ACCOUNT, restricted: true, note: 'avmOpenAi' },
    { name: AVM_ACCOUNT, restricted: true, note: 'documentIntelligence' },
  ],
  // Same shape as conversation-knowledge-mining under aiServices (module.aifoundry), without the outer
  // condition: existingFoundryProjectResourceId default '' → cognitiveServiceNew deployed, restriction → true.
  // solutionName has no default, so the name is unknown either way.
  'bicep-registry-modules/avm/ptn/sa/modernize-your-code/main.json': [
    { name: 'cognitiveServiceNew', restricted: true },
  ],
  // aiFoundryAiServices > cognitiveService: restriction not passed → true.
  'bicep-registry-modules/avm/ptn/sa/multi-agent-custom-automation-engine/main.json': [
    { name: AVM_ACCOUNT, restricted: true },
  ],
  // The model-deployment child module: only an existing reference to the account.
  'bicep-registry-modules/avm/res/cognitive-services/account/deployment/main.json': [],
  // The account module itself, deployed standalone at its defaults: restrictOutboundNetworkAccess default
  // true; name is a required parameter → symbolic name. cognitiveService_deployments (copy loop) holds only
  // an existing reference.
  'bicep-registry-modules/avm/res/cognitive-services/account/main.json': [
    { name: AVM_ACCOUNT, restricted: true },
  ],
  // Azure Machine Learning hub/project workspaces with managed networks: no Cognitive Services account at all.
  'bicep-registry-modules/avm/res/machine-learning-services/workspace/main.json': [],
};
