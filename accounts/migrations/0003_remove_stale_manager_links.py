"""Manager links of people no longer in the account's team are removed (issue 17).

Before this, removing a member kept their links: the account page still listed them and
adding them back silently restored their accounts. Services now remove links with the
membership; this removes the ones left from before.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef


def remove_stale_links(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Membership = apps.get_model("accounts", "Membership")
    Link = Account.managers.through
    member = Membership.objects.filter(team_id=OuterRef("account__team_id"), user_id=OuterRef("user_id"))
    Link.objects.filter(~Exists(member)).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_invitations")]

    operations = [migrations.RunPython(remove_stale_links, migrations.RunPython.noop)]
