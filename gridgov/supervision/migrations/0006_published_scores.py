import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('supervision', '0005_adjustments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.CharField(db_index=True, max_length=7, verbose_name='月份')),
                ('region_path', models.CharField(db_index=True, max_length=255)),
                ('rank', models.PositiveSmallIntegerField(verbose_name='名次')),
                ('score', models.PositiveSmallIntegerField(verbose_name='信用分')),
                ('inspections', models.PositiveIntegerField(verbose_name='检查次数')),
                ('pass_rate', models.FloatField(blank=True, null=True, verbose_name='合格率(%)')),
                ('deductions', models.JSONField(default=list, verbose_name='扣分明细')),
                ('published_at', models.DateTimeField(verbose_name='发布时间')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit', verbose_name='物业服务企业')),
                ('published_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
            ],
            options={
                'verbose_name': '物业信用分通报',
                'verbose_name_plural': '物业信用分通报',
                'ordering': ['-month', 'rank'],
                'constraints': [models.UniqueConstraint(fields=('month', 'company'), name='publish_a_month_once')],
            },
        ),
    ]
