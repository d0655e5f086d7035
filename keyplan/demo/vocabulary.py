"""Words the demo portfolio and the synthetic generator draw from: a product
catalog, industries with their typical business units, people's names and titles."""

from decimal import Decimal

# (name, family, yearly list price, description)
CATALOG = [
    ("Core Platform", "Platform", Decimal("60000"), "Workflow platform, the base of every deal."),
    ("Analytics", "Add-on", Decimal("45000"), "Dashboards and self-serve analytics."),
    ("Automation", "Add-on", Decimal("30000"), "Rules, triggers and scheduled jobs."),
    ("Integrations Hub", "Add-on", Decimal("24000"), "Connectors to ERP, CRM and data warehouses."),
    ("Security & Compliance", "Add-on", Decimal("36000"), "SSO, audit trails, data residency."),
    ("Mobile", "Add-on", Decimal("18000"), "Field apps for iOS and Android."),
    ("Premium Support", "Service", Decimal("20000"), "24/7 support with a named engineer."),
    ("Professional Services", "Service", Decimal("40000"), "Implementation and training days."),
]

# industry -> business units typical of it
INDUSTRIES = {
    "Software": ["Engineering", "Operations", "Finance", "Sales", "Customer Support", "Marketing"],
    "Manufacturing": ["Production", "Supply Chain", "Quality", "Finance", "Field Service", "R&D"],
    "Financial Services": ["Retail Banking", "Wealth", "Risk", "Compliance", "IT", "Operations"],
    "Healthcare": ["Clinical Operations", "Patient Services", "Billing", "IT", "Research"],
    "Retail": ["Stores", "E-commerce", "Merchandising", "Logistics", "Finance", "Marketing"],
    "Logistics": ["Fleet", "Warehousing", "Customer Service", "Finance", "IT", "Planning"],
    "Energy": ["Generation", "Grid Operations", "Trading", "HSE", "Finance", "IT"],
    "Telecommunications": ["Network", "Consumer", "Enterprise", "Billing", "Field Ops", "IT"],
    "Insurance": ["Claims", "Underwriting", "Distribution", "Actuarial", "IT", "Finance"],
    "Pharmaceuticals": ["R&D", "Manufacturing", "Regulatory", "Commercial", "Quality", "IT"],
    "Media": ["Editorial", "Advertising", "Subscriptions", "Technology", "Finance"],
    "Public Sector": ["Citizen Services", "Finance", "IT", "Procurement", "Operations"],
}

REGIONS = ["North America", "EMEA", "APAC", "LATAM", "DACH", "Nordics", "UK & Ireland"]

CITIES = [
    "Boston, MA",
    "Austin, TX",
    "Chicago, IL",
    "Denver, CO",
    "Seattle, WA",
    "Atlanta, GA",
    "Toronto, ON",
    "London, UK",
    "Berlin, DE",
    "Amsterdam, NL",
    "Paris, FR",
    "Stockholm, SE",
    "Dublin, IE",
    "Munich, DE",
    "Zurich, CH",
    "Singapore",
    "Sydney, AU",
    "Tokyo, JP",
]

FIRST_NAMES = [
    "Sarah",
    "James",
    "Priya",
    "Michael",
    "Elena",
    "David",
    "Aisha",
    "Tom",
    "Mei",
    "Carlos",
    "Hannah",
    "Oliver",
    "Fatima",
    "Lukas",
    "Grace",
    "Rahul",
    "Sofia",
    "Daniel",
    "Chloe",
    "Kenji",
    "Amara",
    "Ben",
    "Isabel",
    "Noah",
    "Leila",
    "Marcus",
    "Yuki",
    "Anna",
    "Omar",
    "Julia",
    "Victor",
    "Nina",
    "Samuel",
    "Ingrid",
    "Diego",
    "Laura",
    "Ahmed",
    "Emma",
    "Pavel",
    "Zoe",
    "Ethan",
    "Maya",
    "Lars",
    "Olivia",
    "Tariq",
    "Clara",
    "Andre",
    "Rosa",
    "Felix",
    "Ines",
]

LAST_NAMES = [
    "Lin",
    "Park",
    "Desai",
    "Chen",
    "Novak",
    "Okafor",
    "Schmidt",
    "Garcia",
    "Rossi",
    "Kowalski",
    "Nguyen",
    "Andersson",
    "Haddad",
    "Murphy",
    "Tanaka",
    "Silva",
    "Fischer",
    "Dubois",
    "Patel",
    "Johansson",
    "Reyes",
    "Cohen",
    "Meyer",
    "Walsh",
    "Kim",
    "Bauer",
    "Moreau",
    "Ali",
    "Singh",
    "Hughes",
    "Costa",
    "Ibrahim",
    "Larsen",
    "Weber",
    "Sato",
    "Becker",
    "Romano",
    "Owens",
    "Ito",
    "Kaur",
    "Brennan",
    "Yilmaz",
    "Fontaine",
    "Sorensen",
    "Mendes",
    "Hartmann",
    "Lopez",
    "Byrne",
]

# (title, power 1-3, typical buying role)
EXECUTIVE_TITLES = [
    ("Chief Executive Officer", 3, "executive_sponsor"),
    ("Chief Financial Officer", 3, "economic_buyer"),
    ("Chief Operating Officer", 3, "economic_buyer"),
    ("Chief Information Officer", 3, "technical_buyer"),
    ("Chief Technology Officer", 3, "technical_buyer"),
    ("Chief Revenue Officer", 3, "influencer"),
]
VP_TITLES = [
    ("VP Operations", 3, "champion"),
    ("VP Engineering", 3, "technical_buyer"),
    ("VP Finance", 2, "economic_buyer"),
    ("VP Procurement", 2, "blocker"),
    ("VP Customer Success", 2, "champion"),
    ("VP IT", 3, "technical_buyer"),
    ("VP Sales", 2, "influencer"),
]
MANAGER_TITLES = [
    ("IT Director", 2, "technical_buyer"),
    ("Director of Analytics", 2, "evaluator"),
    ("Procurement Manager", 2, "blocker"),
    ("Operations Manager", 1, "user"),
    ("Engineering Manager", 2, "evaluator"),
    ("Finance Manager", 1, "influencer"),
    ("Security Architect", 2, "evaluator"),
    ("Team Lead", 1, "user"),
    ("Business Analyst", 1, "user"),
    ("Program Manager", 1, "influencer"),
]

COMPANY_STEMS = [
    "Apex",
    "Borealis",
    "Cobalt",
    "Delta",
    "Evergreen",
    "Fulcrum",
    "Granite",
    "Helix",
    "Ion",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Northwind",
    "Orion",
    "Pinnacle",
    "Quanta",
    "Redwood",
    "Summit",
    "Tidal",
    "Umbra",
    "Vertex",
    "Willow",
    "Xenon",
    "Yarrow",
    "Zephyr",
]
COMPANY_SUFFIXES = [
    "Systems",
    "Industries",
    "Group",
    "Holdings",
    "Labs",
    "Logistics",
    "Health",
    "Energy",
    "Financial",
    "Retail",
    "Networks",
    "Pharma",
    "Media",
    "Partners",
    "Technologies",
]

USE_CASES = ["Customer Onboarding", "Partner Portal", "Internal Reporting", "Shared Services"]
# interaction kind -> typical subjects
SUBJECTS = {
    "meeting": ["Roadmap review", "Adoption workshop", "Steering meeting"],
    "call": ["Check-in call", "Pricing call", "Escalation call"],
    "email": ["Proposal follow-up", "Renewal terms", "Case study request"],
    "event": ["User conference", "Customer dinner", "Industry roundtable"],
    "other": ["Site visit", "Slack thread"],
}
# risk category -> a typical risk of that kind
RISK_TITLES = {
    "champion_departure": "Champion may leave after the reorganisation",
    "budget_freeze": "Budget freeze announced for next quarter",
    "competitor": "Competitor running a pilot in a business unit",
    "procurement": "Procurement pushing to standardise vendors",
    "security": "Open findings from the security review",
    "support_escalation": "Support escalation on integration outages",
    "renewal_gap": "Renewal decision falls outside the budget cycle",
    "m_and_a": "Acquisition may bring another vendor in",
    "other": "Key project deprioritised",
}
# (title, metric, unit, baseline range, target gain range)
OBJECTIVES = [
    ("Raise active seat adoption", "Active seats", "%", (35, 70), (10, 25)),
    ("Reach an NPS above 40", "NPS", "points", (5, 35), (10, 30)),
    ("Expand into new business units", "Business units live", "units", (1, 4), (2, 4)),
    ("Secure a multi-year renewal", "Contract term", "years", (1, 2), (1, 2)),
    ("Cut open support tickets", "Open tickets", "tickets", (15, 40), (5, 15)),
    ("Land an executive sponsor pairing", "Sponsor meetings a year", "meetings", (0, 2), (2, 4)),
]
# typical plan actions
ACTIONS = [
    "Send the business case to the CFO", "Book the QBR", "Run an adoption workshop",
    "Map the procurement process", "Introduce our CTO to their CIO", "Share the case study",
    "Draft the renewal proposal", "Follow up on the security questionnaire",
    "Plan a pilot in a new business unit", "Update the stakeholder map",
]  # fmt: skip
# SWOT kind -> typical items
SWOT = {
    "strength": ["Strong champion in operations", "Platform is mission-critical"],
    "weakness": ["Single-threaded below the C-level", "Low adoption in one unit"],
    "opportunity": ["New digital programme funded", "Consolidation of point tools"],
    "threat": ["Competitor close to the CIO", "Cost-cutting mandate"],
}
# trigger kind -> what happened
TRIGGERS = {
    "executive_change": "A new executive joined the leadership team.",
    "funding_round": "Raised a new funding round.",
    "product_launch": "Launched a product line that needs new workflows.",
    "regulatory_shift": "A regulation change affects their reporting.",
    "m_and_a": "Announced the acquisition of a smaller competitor.",
}
# what a stakeholder cares about professionally
CARES = [
    "Hitting the cost-reduction target", "Shipping the transformation programme on time",
    "Fewer manual handoffs", "Board visibility", "Team retention", "Audit readiness",
]  # fmt: skip
