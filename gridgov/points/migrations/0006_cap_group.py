from django.db import migrations, models


def group_patrols(apps, schema_editor):
    """A day's patrol counts once, checked in (巡逻打卡) or claimed (参加治安巡逻): one cap group, every version."""
    from gridgov.points.seeds import CAP_GROUPS

    PointItem = apps.get_model("points", "PointItem")
    for key, group in CAP_GROUPS.items():
        PointItem.objects.filter(key=key, cap_group="").update(cap_group=group)


class Migration(migrations.Migration):
    dependencies = [("points", "0005_patrol_trigger")]

    operations = [
        migrations.AddField(
            model_name="pointitem",
            name="cap_group",
            field=models.SlugField(blank=True, help_text="同组的项目合并计算上限(如巡逻打卡与巡逻申请同一天只计一次);空为按本项目计算",
                                   max_length=40, verbose_name="上限分组"),
        ),
        migrations.RunPython(group_patrols, migrations.RunPython.noop),
    ]
