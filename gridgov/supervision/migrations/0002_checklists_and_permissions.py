from django.db import migrations

# Grid workers and chiefs inspect; the centers and chiefs keep compounds and plans; leaders read scores.
SUPERVISION_PERMISSIONS = {
    "grid_worker": ["supervision:inspection:do"],
    "grid_chief": ["supervision:inspection:do", "supervision:inspection:manage", "supervision:score:view"],
    "center_dispatcher": ["supervision:inspection:manage", "supervision:score:view"],
    "center_leader": ["supervision:score:view"],
}

# code, text, points off, photo required, case category, days to put right
PROPERTY_ITEMS = [
    ("garbage", "垃圾清扫不及时、垃圾桶满溢", 3, True, "2402", 1),
    ("illegal_building", "私搭乱盖", 5, True, "1104", 7),
    ("ads", "楼内小广告", 2, True, "1201", 2),
    ("ground_lock", "私装地锁", 2, True, "2402", 3),
    ("fire_passage", "消防通道堵塞", 5, True, "2402", 1),
    ("greenery", "绿化养护不到位", 2, False, "2402", 7),
    ("lights", "楼道灯、路灯损坏", 2, False, "0102", 3),
    ("security", "门岗值守、巡逻不到位", 3, False, "2402", 3),
]


def seed(apps, schema_editor):
    from gridgov.accounts.role_grants import add_permissions

    add_permissions(apps, SUPERVISION_PERMISSIONS)
    Checklist = apps.get_model("supervision", "Checklist")
    Item = apps.get_model("supervision", "ChecklistItem")
    for name, days in (("物业服务半月检查", 15), ("老旧小区月度检查", 30)):
        checklist, created = Checklist.objects.get_or_create(name=name, defaults={"every_days": days})
        if created:
            for sort, (code, text, weight, photo, category, rectify) in enumerate(PROPERTY_ITEMS):
                Item.objects.create(checklist=checklist, code=code, text=text, weight=weight, photo_required=photo,
                                    category=category, rectify_days=rectify, sort=sort)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
