from django.db import migrations

PATH_DIGITS = 8


def pad_paths(apps, schema_editor):
    """Rewrites every node's path with zero-padded ids, parents first."""
    Node = apps.get_model("network", "Node")
    paths = {}
    for node in Node.objects.order_by("level", "pk"):
        node.path = f"{paths.get(node.parent_id, '')}{node.pk:0{PATH_DIGITS}d}/"
        paths[node.pk] = node.path
        Node.objects.filter(pk=node.pk).update(path=node.path)


class Migration(migrations.Migration):
    dependencies = [("network", "0002_center_constraint_message")]

    operations = [migrations.RunPython(pad_paths, migrations.RunPython.noop)]
