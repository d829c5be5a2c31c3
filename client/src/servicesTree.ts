// The "AI Services" view in the Explorer: the deployed AI account instances of the last audit, grouped by entry
// point or by owner (a toggle in the view's title), each with an icon for its status and its details in the
// tooltip; a click reveals the declaration. Follows InventoryState (after an audit, and as files change).

import * as vscode from 'vscode';
import { NO_OWNER, type DeployedInstance, type Inventory, type Place } from '../../shared/inventory';
import { statusLabel } from '../../shared/reportHtml';
import type { InventoryState } from './inventoryState';

export type Grouping = 'entryPoint' | 'owner';

export type ServiceNode =
  | { readonly type: 'group'; readonly label: string; readonly description?: string; readonly instances: readonly DeployedInstance[] }
  | { readonly type: 'instance'; readonly instance: DeployedInstance };

export const VIEW_ID = 'aiEgressGuard.services';
const OPEN_PLACE = 'aiEgressGuard.openPlace';
const GROUPING_KEY = 'aiEgressGuard.servicesGrouping';

const ICONS = {
  restricted: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  open: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  unverified: new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};

export class ServicesTree implements vscode.TreeDataProvider<ServiceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly state: InventoryState, private groupingValue: Grouping = 'entryPoint') {
    this.listener = state.onDidChange(() => this.changed.fire());
  }

  /** Registers the view, the toggle and the command its items run. */
  static register(context: vscode.ExtensionContext, state: InventoryState): ServicesTree {
    const tree = new ServicesTree(state, context.workspaceState.get<Grouping>(GROUPING_KEY) ?? 'entryPoint');
    void vscode.commands.executeCommand('setContext', GROUPING_KEY, tree.grouping);
    context.subscriptions.push(
      tree,
      vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
      vscode.commands.registerCommand('aiEgressGuard.services.toggleGrouping', async () => {
        tree.grouping = tree.grouping === 'entryPoint' ? 'owner' : 'entryPoint';
        await context.workspaceState.update(GROUPING_KEY, tree.grouping);
        await vscode.commands.executeCommand('setContext', GROUPING_KEY, tree.grouping);
        return tree.grouping;
      }),
      vscode.commands.registerCommand(OPEN_PLACE, (place: Place) => state.open(place)),
    );
    return tree;
  }

  get grouping(): Grouping {
    return this.groupingValue;
  }

  set grouping(value: Grouping) {
    this.groupingValue = value;
    this.changed.fire();
  }

  getChildren(node?: ServiceNode): ServiceNode[] {
    const inventory = this.state.inventory;
    if (!inventory) return [];
    if (!node) return groups(inventory, this.groupingValue);
    if (node.type === 'group') return [...node.instances].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)).map((instance) => ({ type: 'instance', instance }));
    return [];
  }

  getTreeItem(node: ServiceNode): vscode.TreeItem {
    if (node.type === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      const restricted = node.instances.filter((i) => i.restricted === true).length;
      item.description = `${node.description ? `${node.description} · ` : ''}${restricted}/${node.instances.length} restricted`;
      item.iconPath = new vscode.ThemeIcon(this.groupingValue === 'owner' ? 'person' : 'file-code');
      item.contextValue = 'group';
      return item;
    }
    const i = node.instance;
    const status = statusLabel(i.restricted);
    const item = new vscode.TreeItem(i.name, vscode.TreeItemCollapsibleState.None);
    item.description = [i.kind, status].filter(Boolean).join(' · ');
    item.iconPath = ICONS[status];
    item.tooltip = tooltip(i, status);
    item.contextValue = `instance.${status}`;
    item.command = { title: 'Reveal Declaration', command: OPEN_PLACE, arguments: [i.declaration] };
    return item;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}

/** The top level: one group per entry point run (template, with its parameter file) or per owner, sorted by label. */
export function groups(inventory: Inventory, grouping: Grouping): ServiceNode[] {
  const byKey = new Map<string, { label: string; description?: string; instances: DeployedInstance[] }>();
  for (const i of inventory.instances) {
    const key = grouping === 'owner' ? i.owner ?? NO_OWNER : `${i.entryPoint}\0${i.parameterFile ?? ''}`;
    let group = byKey.get(key);
    if (!group) {
      group = grouping === 'owner'
        ? { label: key, instances: [] }
        : { label: i.entryPoint, description: i.parameterFile ? `with ${i.parameterFile}` : undefined, instances: [] };
      byKey.set(key, group);
    }
    group.instances.push(i);
  }
  return [...byKey.values()].sort((a, b) => a.label.localeCompare(b.label) || (a.description ?? '').localeCompare(b.description ?? ''))
    .map((g) => ({ type: 'group', ...g }));
}

/** The details of an instance, as plain text (nothing from a template is read as Markdown). */
function tooltip(i: DeployedInstance, status: string): string {
  const lines = [
    `${i.name} (${status})`,
    `kind: ${i.kind ?? '(not set)'}`,
    `owner: ${i.owner ?? NO_OWNER}`,
    `public network access: ${i.publicNetworkAccess ?? '(not set)'}`,
    `allowed FQDNs: ${i.allowedFqdns === undefined ? '(not set)' : i.allowedFqdns === 'unknown' ? 'known at deployment' : i.allowedFqdns.join(', ') || '(none)'}`,
    `declared at ${i.declaration.file}:${i.declaration.line}`,
    `entry point: ${i.entryPoint}${i.parameterFile ? ` with ${i.parameterFile}` : ''}${i.chain.length ? ` › ${i.chain.map((c) => c.name).join(' › ')}` : ''}`,
    ...(i.loopCountUnknown ? ['in a loop whose count is known at deployment: counted once'] : []),
    ...(i.conditional ? ['deployed under a condition known at deployment'] : []),
    ...i.findings.map((f) => `${f.suppression ? '(suppressed) ' : ''}${f.ruleId}: ${f.summary} (${f.file}:${f.line})`),
  ];
  return lines.join('\n');
}
