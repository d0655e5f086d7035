"""A Salesforce org of keyplan's own, for the tests and the bench's sync figure: an
HTTPS server on loopback that answers as Salesforce's documented REST API and OAuth
token endpoint do. Development only: nothing in production imports or routes it (it
needs trustme, a test dependency)."""
