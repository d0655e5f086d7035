"""The audit trail: who signed in, took plans out, brought data in and changed users,
roles, teams and settings, and what keyplan refused them (`trail.record`)."""
