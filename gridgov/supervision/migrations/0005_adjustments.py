import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('supervision', '0004_leaders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Adjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_path', models.CharField(db_index=True, max_length=255)),
                ('month', models.CharField(db_index=True, max_length=7, verbose_name='月份')),
                ('points', models.SmallIntegerField(verbose_name='加减分')),
                ('reason', models.CharField(max_length=500, verbose_name='事由')),
                ('state', models.CharField(choices=[('effective', '有效'), ('appealed', '申诉中'), ('revoked', '已撤销')], default='effective', max_length=16, verbose_name='状态')),
                ('appeal', models.CharField(blank=True, max_length=500, verbose_name='申诉理由')),
                ('created_at', models.DateTimeField(verbose_name='登记时间')),
                ('updated_at', models.DateTimeField(verbose_name='更新时间')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='社区/网格')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='网格员')),
            ],
            options={
                'verbose_name': '考核加减分',
                'verbose_name_plural': '考核加减分',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('points__gte', -20), ('points__lte', 20), models.Q(('points', 0), _negated=True)), name='adjustment_within_20')],
            },
        ),
    ]
