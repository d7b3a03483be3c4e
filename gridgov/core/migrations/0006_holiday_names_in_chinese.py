"""The holidays seeded from chinesecalendar carried its English names (Spring Festival…): name them as the State
Council notice does (春节…)."""

from django.db import migrations

# chinesecalendar's names → the notice's (国务院办公厅关于部分节假日安排的通知)
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def to_chinese(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for english, chinese in NAMES.items():
        CalendarDay.objects.filter(name=english).update(name=chinese)


def to_english(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for english, chinese in NAMES.items():
        CalendarDay.objects.filter(name=chinese).update(name=english)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_importjob")]
    operations = [migrations.RunPython(to_chinese, to_english)]
