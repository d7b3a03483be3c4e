import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('supervision', '0003_patrol_points'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='GridVisit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(verbose_name='走访时间')),
                ('note', models.TextField(max_length=2000, verbose_name='走访情况')),
                ('grid', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='网格')),
                ('leader', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='领导')),
            ],
            options={
                'verbose_name': '领导走访',
                'verbose_name_plural': '领导走访',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='LeaderLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('since', models.DateField(verbose_name='联系起始')),
                ('is_active', models.BooleanField(default=True, verbose_name='有效')),
                ('grid', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='联系网格')),
                ('leader', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='linked_grids', to=settings.AUTH_USER_MODEL, verbose_name='联系领导')),
            ],
            options={
                'verbose_name': '领导联系网格',
                'verbose_name_plural': '领导联系网格',
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('leader', 'grid'), name='link_a_grid_once')],
            },
        ),
    ]
