"""Issuing authorities get an optional electronic seal (documents/seals.py; a private PNG under MEDIA_ROOT/seals/)."""

from django.db import migrations, models

import safetyportal.documents.models


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0010_document_register"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuingauthority",
            name="seal",
            field=models.FileField(
                blank=True,
                help_text="可选。印发的正式文件在署名和成文日期处加盖此印章；未上传时留出手工盖章的位置。",
                max_length=200,
                upload_to=safetyportal.documents.models.seal_upload_to,
                verbose_name="电子印章",
            ),
        ),
    ]
