"""The ledger is append-only in the database itself: triggers refuse any UPDATE or DELETE of a
ledger entry, on SQLite and PostgreSQL alike. And the source kinds and caps every county starts with."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER outreach_ledger_no_update BEFORE UPDATE ON outreach_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: record a reversing entry'); END""",
    """CREATE TRIGGER outreach_ledger_no_delete BEFORE DELETE ON outreach_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: record a reversing entry'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS outreach_ledger_no_update", "DROP TRIGGER IF EXISTS outreach_ledger_no_delete"]
POSTGRES = [
    """CREATE FUNCTION outreach_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'ledger entries are append-only: record a reversing entry'
             USING ERRCODE = 'integrity_constraint_violation'; END $$""",
    """CREATE TRIGGER outreach_ledger_append_only BEFORE UPDATE OR DELETE ON outreach_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION outreach_ledger_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS outreach_ledger_append_only ON outreach_ledgerentry",
    "DROP FUNCTION IF EXISTS outreach_ledger_append_only()",
]

SOURCES = ["中央财政专项", "地方财政", "工会经费", "送温暖基金", "社会捐赠", "医疗互助金"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []))


def add_defaults(apps, schema_editor):
    FundSource = apps.get_model("outreach", "FundSource")
    for order, name in enumerate(SOURCES, start=1):
        FundSource.objects.get_or_create(name=name, defaults={"ordering_key": order})
    ProgramCap = apps.get_model("outreach", "ProgramCap")
    ProgramCap.objects.get_or_create(program="living", defaults={"rule": "dibao_year"})


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_funds_and_aid_ledger")]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
