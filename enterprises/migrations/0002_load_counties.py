"""The city's twelve county-level units (DESIGN §3.6). Codes are the national administrative division codes."""

from django.db import migrations

COUNTIES = [
    ("410402", "新华区", "district"),
    ("410403", "卫东区", "district"),
    ("410404", "石龙区", "district"),
    ("410411", "湛河区", "district"),
    ("410421", "宝丰县", "county"),
    ("410422", "叶县", "county"),
    ("410423", "鲁山县", "county"),
    ("410425", "郏县", "county"),
    ("410471", "高新技术产业开发区", "zone"),
    ("410472", "城乡一体化示范区", "zone"),
    ("410481", "舞钢市", "city"),
    ("410482", "汝州市", "city"),
]


def load(apps, schema_editor):
    County = apps.get_model("enterprises", "County")
    for code, name, kind in COUNTIES:
        County.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})


def unload(apps, schema_editor):
    apps.get_model("enterprises", "County").objects.filter(code__in=[c for c, _n, _k in COUNTIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
