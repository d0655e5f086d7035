"""keyplan createsuperuser: Django's, saying the role the new user gets (a superuser is
an administrator: they see and change every plan, and run the admin site)."""

from django.contrib.auth.management.commands import createsuperuser

from keyplan.core.choices import Role


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Role: {Role.ADMIN.label.lower()}: they can see and change every plan, "
                "import, and manage users at /admin/."
            )
