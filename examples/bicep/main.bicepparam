using './main.bicep'

param storageAccountName = 'contosodocsprod'
param restrictDocumentEgress = false
