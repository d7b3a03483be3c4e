import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_alter_case_channel'),
    ]

    operations = [
        migrations.AddField(
            model_name='triageclass',
            name='auto_dispatch_at',
            field=models.FloatField(blank=True, help_text='立案时,若事件类别未设自动派遣而该类建议的置信度不低于此值(0.5–1),直接派往建议的部门;空为不自动派遣', null=True, validators=[django.core.validators.MinValueValidator(0.5), django.core.validators.MaxValueValidator(1.0)], verbose_name='自动派遣置信度'),
        ),
    ]
