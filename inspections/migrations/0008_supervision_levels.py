# Issue 15, package A: the hazard's 挂牌督办 marker takes the four levels 省/市/县/街道 (existing 市/县 rows kept).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0007_exposure_articles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hazard",
            name="supervision_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "未挂牌"),
                    ("province", "省级挂牌督办"),
                    ("city", "市级挂牌督办"),
                    ("county", "县级挂牌督办"),
                    ("street", "街道（镇）级挂牌督办"),
                ],
                default="",
                max_length=8,
                verbose_name="挂牌督办",
            ),
        ),
    ]
