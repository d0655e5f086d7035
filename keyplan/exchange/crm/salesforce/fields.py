"""The Salesforce fields keyplan reads, object by object, as the REST API names them:
the columns the Data Export reader reads (reader.py, deals.py, activities.py), which
tests/exchange/crm/test_salesforce_fields.py keeps in step with it, plus
SystemModstamp, which a live pull asks for what changed since the last sync.

The Data Export also writes a compound address as one column (BillingAddress); the
API's query gives its parts, so only they are listed."""

FIELDS: dict[str, tuple[str, ...]] = {
    "Account": (
        "Id", "IsDeleted", "Name", "Type", "ParentId", "BillingStreet", "BillingCity",
        "BillingState", "BillingPostalCode", "BillingCountry", "Website", "Industry",
        "AnnualRevenue", "NumberOfEmployees", "Ownership", "OwnerId", "SystemModstamp",
    ),
    "Contact": (
        "Id", "IsDeleted", "AccountId", "FirstName", "LastName", "Name", "Title",
        "Department", "Email", "Phone", "MobilePhone", "ReportsToId", "OwnerId",
        "CreatedDate", "SystemModstamp",
    ),
    "Opportunity": (
        "Id", "IsDeleted", "AccountId", "Name", "Description", "StageName", "Amount",
        "Probability", "CloseDate", "Type", "IsClosed", "IsWon", "ForecastCategory",
        "ForecastCategoryName", "OwnerId", "SystemModstamp",
    ),
    "OpportunityContactRole": (
        "Id", "IsDeleted", "OpportunityId", "ContactId", "Role", "SystemModstamp",
    ),
    "OpportunityLineItem": (
        "Id", "IsDeleted", "OpportunityId", "Product2Id", "PricebookEntryId", "Quantity",
        "TotalPrice", "SystemModstamp",
    ),
    "Product2": ("Id", "IsDeleted", "Name", "Family", "Description", "IsActive", "SystemModstamp"),
    "User": ("Id", "Username", "Email", "FirstName", "LastName", "SystemModstamp"),
    "Task": (
        "Id", "IsDeleted", "WhoId", "WhatId", "AccountId", "Subject", "ActivityDate",
        "Description", "Status", "TaskSubtype", "Type", "OwnerId", "SystemModstamp",
    ),
    "Event": (
        "Id", "IsDeleted", "WhoId", "WhatId", "AccountId", "Subject", "ActivityDate",
        "ActivityDateTime", "StartDateTime", "Description", "EventSubtype", "Type", "OwnerId",
        "SystemModstamp",
    ),
    "Case": (
        "Id", "IsDeleted", "AccountId", "CaseNumber", "Subject", "IsClosed", "IsEscalated",
        "SystemModstamp",
    ),
}  # fmt: skip

# Where a play lives in Salesforce: its opportunity, found again by this External ID.
PLAY_ID_FIELD = "Keyplan_Play_Id__c"
