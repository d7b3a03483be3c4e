import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('supervision', '0002_checklists_and_permissions'),
    ]

    operations = [
        migrations.CreateModel(
            name='PatrolPoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='巡查点')),
                ('lon', models.FloatField(verbose_name='经度')),
                ('lat', models.FloatField(verbose_name='纬度')),
                ('radius_m', models.PositiveSmallIntegerField(default=80, verbose_name='打卡范围(米)')),
                ('is_active', models.BooleanField(default=True, verbose_name='有效')),
                ('grid', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='网格')),
            ],
            options={
                'verbose_name': '巡查点',
                'verbose_name_plural': '巡查点',
                'ordering': ['grid', 'name'],
            },
        ),
    ]
