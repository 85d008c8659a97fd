"""Django's ``flush`` (empty every table), the same on SQLite as on PostgreSQL.

On PostgreSQL flush is a TRUNCATE, which the row triggers of the append-only tables (the ledger,
the audit log) do not see; on SQLite it is a DELETE per table, which they refuse. So that flush
(and the transactional tests, which end with one) empties those tables on SQLite too, this one
lifts SQLite's triggers for the length of the flush and puts them back as they were."""

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
