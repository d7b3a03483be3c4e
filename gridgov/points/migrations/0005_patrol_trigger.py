from django.db import migrations, models
from django.utils import timezone


def seed_patrol_item(apps, schema_editor):
    """The new automatic item 巡逻打卡 (the seed adds only the items a catalogue does not have)."""
    from gridgov.points.seeds import seed

    seed(apps.get_model("points", "PointClass"), apps.get_model("points", "PointItem"), timezone.now())


class Migration(migrations.Migration):
    dependencies = [("points", "0004_credit_permissions")]

    operations = [
        migrations.AlterField(
            model_name="pointitem",
            name="trigger",
            field=models.CharField(choices=[("manual", "申请审核"), ("case_accepted", "上报被立案(自动)"),
                                            ("case_verified", "上报问题核查办结(自动)"), ("patrol", "巡逻打卡满2小时(自动)")],
                                   default="manual", max_length=16, verbose_name="获得方式"),
        ),
        migrations.RunPython(seed_patrol_item, migrations.RunPython.noop),
    ]
