"""ImportRun and ImportFile, moved from analytics (issue 20) without touching the database.

The tables keep their names (analytics_importrun, analytics_importfile), so this
migration creates the models in the state only; the database already holds them, with
their rows, from analytics' migrations 0001 and 0002. Only the content types follow the
models to their new app (so permissions given on them stay given).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ('importrun', 'importfile')


def content_types_to_imports(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label='imports', model=model).exists():
            ContentType.objects.using(db).filter(app_label='analytics', model=model).update(
                app_label='imports'
            )


def content_types_to_analytics(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label='analytics', model=model).exists():
            ContentType.objects.using(db).filter(app_label='imports', model=model).update(
                app_label='analytics'
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_remove_stale_manager_links'),
        ('analytics', '0011_move_imports_to_imports_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('status', models.CharField(choices=[('preview', 'Waiting for confirmation'), ('applied', 'Imported'), ('failed', 'Rejected'), ('discarded', 'Discarded')], default='preview', max_length=10)),
                        ('source', models.CharField(default='web', max_length=10)),
                        ('file_names', models.JSONField(blank=True, default=list)),
                        ('format', models.CharField(blank=True, max_length=40)),
                        ('as_of', models.DateField(blank=True, null=True)),
                        ('date_from', models.DateField(blank=True, null=True)),
                        ('date_to', models.DateField(blank=True, null=True)),
                        ('rows_created', models.PositiveIntegerField(default=0)),
                        ('rows_updated', models.PositiveIntegerField(default=0)),
                        ('rows_unchanged', models.PositiveIntegerField(default=0)),
                        ('account_handles', models.JSONField(blank=True, default=list)),
                        ('ignored_columns', models.JSONField(blank=True, default=list)),
                        ('errors', models.JSONField(blank=True, default=list)),
                        ('error_count', models.PositiveIntegerField(default=0)),
                        ('notes', models.JSONField(blank=True, default=list)),
                        ('details', models.JSONField(blank=True, default=dict)),
                        ('message', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('applied_at', models.DateTimeField(blank=True, null=True)),
                        ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='import_runs', to='accounts.account')),
                        ('scorecard_run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='analytics.scorecardrun')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_runs', to='accounts.team')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'analytics_importrun',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255)),
                        ('content', models.BinaryField()),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='imports.importrun')),
                    ],
                    options={
                        'db_table': 'analytics_importfile',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_imports, content_types_to_analytics),
    ]
