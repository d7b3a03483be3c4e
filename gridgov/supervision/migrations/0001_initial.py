import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0018_triage_auto_dispatch'),
        ('orgs', '0001_initial'),
        ('people', '0002_id_type'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Checklist',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='检查表')),
                ('every_days', models.PositiveSmallIntegerField(default=15, verbose_name='检查周期(天)')),
                ('is_active', models.BooleanField(default=True, verbose_name='有效')),
            ],
            options={
                'verbose_name': '检查表',
                'verbose_name_plural': '检查表',
            },
        ),
        migrations.CreateModel(
            name='ChecklistItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=32, verbose_name='编码')),
                ('text', models.CharField(max_length=100, verbose_name='检查项')),
                ('weight', models.PositiveSmallIntegerField(default=2, verbose_name='扣分')),
                ('photo_required', models.BooleanField(default=True, verbose_name='不合格须拍照')),
                ('category', models.CharField(default='2402', max_length=8, verbose_name='整改事件类别')),
                ('rectify_days', models.PositiveSmallIntegerField(default=3, verbose_name='整改期限(天)')),
                ('sort', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='supervision.checklist', verbose_name='检查表')),
            ],
            options={
                'verbose_name': '检查项',
                'verbose_name_plural': '检查项',
                'ordering': ['checklist', 'sort', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Compound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='小区名称')),
                ('region_path', models.CharField(db_index=True, max_length=255, verbose_name='区域路径')),
                ('is_old', models.BooleanField(default=False, verbose_name='老旧小区')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('is_active', models.BooleanField(default=True, verbose_name='有效')),
                ('buildings', models.ManyToManyField(blank=True, related_name='+', to='people.building', verbose_name='楼栋')),
                ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='supervision.checklist', verbose_name='检查表')),
                ('grid', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='所属网格')),
                ('inspector', models.ForeignKey(blank=True, help_text='不填由该网格的网格员检查', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='检查人')),
                ('property_company', models.ForeignKey(blank=True, limit_choices_to={'kind': 'property_company'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='compounds', to='orgs.orgunit', verbose_name='物业服务企业')),
            ],
            options={
                'verbose_name': '小区',
                'verbose_name_plural': '小区',
                'ordering': ['region_path', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Inspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_path', models.CharField(db_index=True, max_length=255, verbose_name='区域路径')),
                ('state', models.CharField(choices=[('scheduled', '待检查'), ('rectifying', '整改中'), ('passed', '合格'), ('closed', '复查完成'), ('cancelled', '已取消')], db_index=True, default='scheduled', max_length=16, verbose_name='状态')),
                ('due_on', models.DateField(verbose_name='应检日期')),
                ('submitted_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='检查时间')),
                ('reinspected_at', models.DateTimeField(blank=True, null=True, verbose_name='复查时间')),
                ('failed_count', models.PositiveSmallIntegerField(default=0, verbose_name='不合格项')),
                ('deducted', models.PositiveSmallIntegerField(default=0, verbose_name='扣分')),
                ('created_at', models.DateTimeField(verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(verbose_name='更新时间')),
                ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='supervision.checklist', verbose_name='检查表')),
                ('compound', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='supervision.compound', verbose_name='小区')),
                ('inspector', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='检查人')),
                ('property_company', models.ForeignKey(blank=True, help_text='检查时的物业:小区换物业后,旧的记录仍算原企业', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit', verbose_name='物业服务企业')),
            ],
            options={
                'verbose_name': '物业检查',
                'verbose_name_plural': '物业检查',
                'ordering': ['-due_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Result',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('passed', models.BooleanField(verbose_name='合格')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='说明')),
                ('photo', models.FileField(blank=True, upload_to='supervision/%Y/%m/', verbose_name='照片')),
                ('rectify_by', models.DateField(blank=True, null=True, verbose_name='整改期限')),
                ('rectified', models.BooleanField(blank=True, null=True, verbose_name='已整改')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='整改事件')),
                ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='supervision.inspection', verbose_name='检查')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='supervision.checklistitem', verbose_name='检查项')),
            ],
            options={
                'verbose_name': '检查结果',
                'verbose_name_plural': '检查结果',
                'ordering': ['inspection', 'item__sort', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SupervisionEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=16, verbose_name='对象')),
                ('subject_id', models.BigIntegerField(verbose_name='对象编号')),
                ('at', models.DateTimeField(db_index=True, verbose_name='时间')),
                ('action', models.CharField(max_length=32, verbose_name='动作')),
                ('from_state', models.CharField(blank=True, max_length=16, verbose_name='原状态')),
                ('to_state', models.CharField(blank=True, max_length=16, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='数据')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
            ],
            options={
                'verbose_name': '监督记录',
                'verbose_name_plural': '监督记录',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='checklistitem',
            constraint=models.UniqueConstraint(fields=('checklist', 'code'), name='item_code_in_checklist'),
        ),
        migrations.AddConstraint(
            model_name='inspection',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'scheduled')), fields=('compound',), name='one_scheduled_inspection_per_compound'),
        ),
        migrations.AddConstraint(
            model_name='result',
            constraint=models.UniqueConstraint(fields=('inspection', 'item'), name='one_result_per_item'),
        ),
        migrations.AddIndex(
            model_name='supervisionevent',
            index=models.Index(fields=['subject', 'subject_id'], name='supervision_event_subject'),
        ),
    ]
