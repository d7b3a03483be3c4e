import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def seed_task_item(apps, schema_editor):
    """The item 完成社区派发的志愿任务 (the seed adds only missing items)."""
    from gridgov.points.seeds import seed

    seed(apps.get_model("points", "PointClass"), apps.get_model("points", "PointItem"), timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('points', '0008_deliberation_triggers'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='pointitem',
            name='trigger',
            field=models.CharField(choices=[('manual', '申请审核'), ('case_accepted', '上报被立案(自动)'), ('case_verified', '上报问题核查办结(自动)'), ('patrol', '巡逻打卡满2小时(自动)'), ('care_visit', '结对上门走访(自动)'), ('topic_vote', '参与议事表决(自动)'), ('topic_adopted', '提出议题表决通过(自动)'), ('task', '完成社区志愿任务(确认后)')], default='manual', max_length=16, verbose_name='获得方式'),
        ),
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_path', models.CharField(db_index=True, editable=False, max_length=255)),
                ('title', models.CharField(max_length=100, verbose_name='任务')),
                ('description', models.TextField(max_length=2000, verbose_name='任务说明')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='地点')),
                ('starts_at', models.DateTimeField(verbose_name='开始')),
                ('ends_at', models.DateTimeField(verbose_name='结束')),
                ('places', models.PositiveSmallIntegerField(default=1, verbose_name='名额')),
                ('taken', models.PositiveSmallIntegerField(default=0, verbose_name='已接')),
                ('state', models.CharField(choices=[('open', '招募中'), ('closed', '已结束'), ('cancelled', '已取消')], db_index=True, default='open', max_length=16, verbose_name='状态')),
                ('created_at', models.DateTimeField(verbose_name='发布时间')),
                ('updated_at', models.DateTimeField(verbose_name='更新时间')),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='社区')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='points.pointitem', verbose_name='积分项目(版本)')),
            ],
            options={
                'verbose_name': '志愿任务',
                'verbose_name_plural': '志愿任务',
                'ordering': ['-starts_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='TaskTake',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_path', models.CharField(db_index=True, editable=False, max_length=255)),
                ('state', models.CharField(choices=[('taken', '已接单'), ('done', '待确认'), ('confirmed', '已确认'), ('rejected', '未通过'), ('withdrawn', '已退出')], db_index=True, default='taken', max_length=16, verbose_name='状态')),
                ('note', models.TextField(blank=True, verbose_name='完成情况')),
                ('created_at', models.DateTimeField(verbose_name='接单时间')),
                ('updated_at', models.DateTimeField(verbose_name='更新时间')),
                ('award', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='task_take', to='points.transfer')),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='takes', to='points.task', verbose_name='任务')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='task_takes', to=settings.AUTH_USER_MODEL, verbose_name='志愿者')),
            ],
            options={
                'verbose_name': '任务认领',
                'verbose_name_plural': '任务认领',
                'ordering': ['task', 'created_at'],
            },
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.CheckConstraint(condition=models.Q(('taken__lte', models.F('places'))), name='task_within_places'),
        ),
        migrations.AddConstraint(
            model_name='tasktake',
            constraint=models.UniqueConstraint(fields=('task', 'user'), name='take_a_task_once'),
        ),
        migrations.RunPython(seed_task_item, migrations.RunPython.noop),
    ]
