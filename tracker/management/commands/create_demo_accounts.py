import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from tracker.models import Organization
from tracker.organisations.roles import ADMINISTRATOR, EDITOR, REVIEWER

# Two editors at different ministries, the focal point's reviewer and an administrator: enough to
# walk the whole workflow, including the refusal to edit another organisation's measures.
DEMO_ACCOUNTS = [
    ("demo-editor-health", EDITOR, "MH"),
    ("demo-editor-education", EDITOR, "MES"),
    ("demo-reviewer", REVIEWER, "MLSPP"),
    ("demo-admin", ADMINISTRATOR, "MLSPP"),
]


class Command(BaseCommand):
    help = "Create clearly-labelled demo accounts for local use. Refused when DEBUG is off."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local development only (DEBUG is off).")
        user_model = get_user_model()
        passwords_file = settings.VAR_DIR / "demo-accounts.txt"
        created = []
        for username, role, org_code in DEMO_ACCOUNTS:
            if user_model.objects.filter(username=username).exists():
                continue
            org = Organization.objects.filter(code=org_code).first()
            if org is None:
                raise CommandError(f"Organisation {org_code} is not loaded: run load_crpd first.")
            password = secrets.token_urlsafe(12)
            user = user_model.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@example.invalid",
                first_name="DEMO",
                last_name=role,
                organization=org,
                is_staff=role == ADMINISTRATOR,
                is_superuser=role == ADMINISTRATOR,
            )
            user.groups.add(Group.objects.get(name=role))
            created.append((username, password, role, org_code))
        if not created:
            self.stdout.write(
                f"Demo accounts already exist; their passwords are in {passwords_file}"
            )
            return
        passwords_file.parent.mkdir(parents=True, exist_ok=True)
        with passwords_file.open("a", encoding="utf-8") as fh:
            for username, password, role, org_code in created:
                fh.write(f"{username}\t{password}\t{role}\t{org_code}\n")
        banner = "=" * 72
        self.stdout.write(self.style.WARNING(banner))
        self.stdout.write(
            self.style.WARNING("DEMO ACCOUNTS — local development only, not for real use")
        )
        for username, password, role, org_code in created:
            self.stdout.write(f"  {username:<24} {password:<20} {role:<14} {org_code}")
        self.stdout.write(self.style.WARNING(f"(also saved to {passwords_file})"))
        self.stdout.write(self.style.WARNING(banner))
