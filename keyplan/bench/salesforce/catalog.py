"""The standard objects of the test org and their fields, as an org's sObject describe
lists them (name, type; https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm,
and the field lists of the Object Reference,
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/).

Written from Salesforce's reference, not from keyplan's own list (fields.py), so the
tests find out when keyplan asks for a field Salesforce does not have."""

_COMMON = [
    ("Id", "id"), ("IsDeleted", "boolean"), ("CreatedDate", "datetime"),
    ("CreatedById", "reference"), ("LastModifiedDate", "datetime"),
    ("LastModifiedById", "reference"), ("SystemModstamp", "datetime"),
]  # fmt: skip

OBJECTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    # name: (key prefix, fields besides the common ones)
    "Account": ("001", [
        ("MasterRecordId", "reference"), ("Name", "string"), ("Type", "picklist"),
        ("ParentId", "reference"), ("BillingStreet", "textarea"), ("BillingCity", "string"),
        ("BillingState", "string"), ("BillingPostalCode", "string"),
        ("BillingCountry", "string"), ("BillingAddress", "address"), ("Phone", "phone"),
        ("Website", "url"), ("Industry", "picklist"), ("AnnualRevenue", "currency"),
        ("NumberOfEmployees", "int"), ("Ownership", "picklist"), ("Description", "textarea"),
        ("OwnerId", "reference"), ("LastActivityDate", "date"),
    ]),
    "Contact": ("003", [
        ("MasterRecordId", "reference"), ("AccountId", "reference"), ("LastName", "string"),
        ("FirstName", "string"), ("Salutation", "picklist"), ("Name", "string"),
        ("MailingAddress", "address"), ("Phone", "phone"), ("MobilePhone", "phone"),
        ("ReportsToId", "reference"), ("Email", "email"), ("Title", "string"),
        ("Department", "string"), ("LeadSource", "picklist"), ("Description", "textarea"),
        ("OwnerId", "reference"),
    ]),
    "Opportunity": ("006", [
        ("AccountId", "reference"), ("Name", "string"), ("Description", "textarea"),
        ("StageName", "picklist"), ("Amount", "currency"), ("Probability", "percent"),
        ("CloseDate", "date"), ("Type", "picklist"), ("NextStep", "string"),
        ("LeadSource", "picklist"), ("IsClosed", "boolean"), ("IsWon", "boolean"),
        ("ForecastCategory", "picklist"), ("ForecastCategoryName", "picklist"),
        ("Pricebook2Id", "reference"), ("OwnerId", "reference"),
    ]),
    "OpportunityContactRole": ("00K", [
        ("OpportunityId", "reference"), ("ContactId", "reference"), ("Role", "picklist"),
        ("IsPrimary", "boolean"),
    ]),
    "OpportunityLineItem": ("00k", [
        ("OpportunityId", "reference"), ("SortOrder", "int"),
        ("PricebookEntryId", "reference"), ("Product2Id", "reference"),
        ("ProductCode", "string"), ("Name", "string"), ("Quantity", "double"),
        ("TotalPrice", "currency"), ("UnitPrice", "currency"), ("ListPrice", "currency"),
        ("ServiceDate", "date"), ("Description", "string"),
    ]),
    "Product2": ("01t", [
        ("Name", "string"), ("ProductCode", "string"), ("Description", "textarea"),
        ("IsActive", "boolean"), ("Family", "picklist"),
    ]),
    "User": ("005", [
        ("Username", "string"), ("LastName", "string"), ("FirstName", "string"),
        ("Name", "string"), ("Email", "email"), ("IsActive", "boolean"),
        ("Title", "string"),
    ]),
    "Task": ("00T", [
        ("WhoId", "reference"), ("WhatId", "reference"), ("Subject", "combobox"),
        ("ActivityDate", "date"), ("Status", "picklist"), ("Priority", "picklist"),
        ("OwnerId", "reference"), ("Description", "textarea"), ("Type", "picklist"),
        ("AccountId", "reference"), ("IsClosed", "boolean"), ("TaskSubtype", "picklist"),
    ]),
    "Event": ("00U", [
        ("WhoId", "reference"), ("WhatId", "reference"), ("Subject", "combobox"),
        ("Location", "string"), ("IsAllDayEvent", "boolean"),
        ("ActivityDateTime", "datetime"), ("ActivityDate", "date"),
        ("DurationInMinutes", "int"), ("StartDateTime", "datetime"),
        ("EndDateTime", "datetime"), ("Description", "textarea"),
        ("AccountId", "reference"), ("OwnerId", "reference"), ("Type", "picklist"),
        ("EventSubtype", "picklist"),
    ]),
    "Case": ("500", [
        ("CaseNumber", "string"), ("ContactId", "reference"), ("AccountId", "reference"),
        ("Type", "picklist"), ("Status", "picklist"), ("Reason", "picklist"),
        ("Origin", "picklist"), ("Subject", "string"), ("Priority", "picklist"),
        ("Description", "textarea"), ("IsClosed", "boolean"), ("ClosedDate", "datetime"),
        ("IsEscalated", "boolean"), ("OwnerId", "reference"),
    ]),
    # Sales Cloud's account plans, where they are turned on (Org.account_plans): the
    # fields keyplan writes and their types, from the Object Reference's pages
    # sforce_api_objects_accountplan.htm and sforce_api_objects_accountplanobjective.htm
    # (AccountPlanId is the objective's master-detail to its plan). The key prefixes are
    # the test org's own.
    "AccountPlan": ("0Ap", [
        ("Name", "string"), ("AccountId", "reference"),
        ("RelationshipStrengths", "textarea"), ("RelationshipWeaknesses", "textarea"),
        ("RelationshipOpportunities", "textarea"), ("RelationshipThreats", "textarea"),
        ("StartDate", "date"), ("EndDate", "date"), ("OwnerId", "reference"),
    ]),
    "AccountPlanObjective": ("0Ao", [
        ("Name", "string"), ("AccountPlanId", "reference"), ("Description", "textarea"),
        ("EndDate", "date"), ("StartDate", "date"),
    ]),
}  # fmt: skip

# Objects an org has only when its account plans are turned on.
ACCOUNT_PLANS = ("AccountPlan", "AccountPlanObjective")

# An org's default Opportunity stages (Setup, Opportunity Stage).
STAGES = [
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
    "Negotiation/Review", "Closed Won", "Closed Lost",
]  # fmt: skip


def fields_of(object_name: str) -> list[tuple[str, str]]:
    common = [f for f in _COMMON if not (object_name == "User" and f[0] == "IsDeleted")]
    return [*common, *OBJECTS[object_name][1]]
