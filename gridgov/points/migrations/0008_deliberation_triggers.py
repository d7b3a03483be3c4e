from django.db import migrations, models
from django.utils import timezone


def seed_deliberation_items(apps, schema_editor):
    """The automatic items 参与议事表决 and 提出的议题表决通过 (the seed adds only missing items), counted with the
    claimed 参与社区事务投票 and 提出建议被采纳 in their cap groups."""
    from gridgov.points.seeds import CAP_GROUPS, seed

    PointItem = apps.get_model("points", "PointItem")
    seed(apps.get_model("points", "PointClass"), PointItem, timezone.now())
    for key, group in CAP_GROUPS.items():
        PointItem.objects.filter(key=key, cap_group="").update(cap_group=group)


class Migration(migrations.Migration):

    dependencies = [
        ('points', '0007_care_visit_trigger'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pointitem',
            name='trigger',
            field=models.CharField(choices=[('manual', '申请审核'), ('case_accepted', '上报被立案(自动)'), ('case_verified', '上报问题核查办结(自动)'), ('patrol', '巡逻打卡满2小时(自动)'), ('care_visit', '结对上门走访(自动)'), ('topic_vote', '参与议事表决(自动)'), ('topic_adopted', '提出议题表决通过(自动)')], default='manual', max_length=16, verbose_name='获得方式'),
        ),
        migrations.RunPython(seed_deliberation_items, migrations.RunPython.noop),
    ]
