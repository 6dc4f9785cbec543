"""The option lists as the original specification ships them."""

from django.db import migrations

# model name -> [(code, Spanish label, English label, extra fields)]
OPTIONS = {
    "Source": [
        ("web_form", "Formulario Web en Empresa", "Company web form", {}),
        ("external_daa", "Externo DAA", "External DAA", {}),
        ("external_ict", "Externo ICT", "External ICT", {}),
        (
            "event_campaign",
            "Respuesta a Evento o Campaña",
            "Reply to an event or campaign",
            {},
        ),
        ("account_email", "Llegada de Email del Sujeto", "Email from the account", {}),
        (
            "account_call",
            "Llamada Telefónica del Sujeto",
            "Phone call from the account",
            {},
        ),
    ],
    "Importance": [
        ("very_relevant", "Muy Relevante", "Very relevant", {}),
        ("important", "Importante", "Important", {}),
        ("normal", "Normal", "Normal", {}),
        ("minor", "Poco Importante", "Minor", {}),
        ("not_of_interest", "No Interesa", "Not of interest", {}),
    ],
    "Size": [
        ("very_large", "Muy Grande", "Very large", {}),
        ("large", "Grande", "Large", {}),
        ("medium", "Mediana", "Medium", {}),
        ("small", "Pequeña", "Small", {}),
        ("very_small", "Muy Pequeña", "Very small", {}),
        ("undefined", "Indefinido", "Undefined", {}),
    ],
    "PurchaseWindow": [
        ("urgent", "Urgente", "Urgent", {}),
        ("within_2_months", "Antes de 2 Meses", "Within 2 months", {}),
        ("within_6_months", "Antes de 6 Meses", "Within 6 months", {}),
        ("within_1_year", "Antes de 1 año", "Within 1 year", {}),
        ("undefined", "Indefinido", "Undefined", {}),
    ],
    "Probability": [
        ("excellent", "Excelente (>90%)", "Excellent (>90%)", {}),
        ("good", "Buena (>75%)", "Good (>75%)", {}),
        ("satisfactory", "Satisfactoria (>50%)", "Satisfactory (>50%)", {}),
        ("weak", "Débil (<50%)", "Weak (<50%)", {}),
        ("no_hope", "Sin Esperanza", "No hope", {}),
    ],
    "Nature": [
        ("commercial", "Comercial", "Commercial", {}),
        ("public_administration", "Administración", "Public administration", {}),
        ("education", "Enseñanza", "Education", {}),
        ("special", "Especial", "Special", {}),
        ("undefined", "Indefinido", "Undefined", {}),
    ],
    "Department": [
        ("management", "Gerencia", "Management", {}),
        ("finance", "Dep. Financiero", "Finance", {}),
        ("sales", "Dep. Comercial", "Sales", {}),
        ("administration", "Dep. Administración", "Administration", {}),
        ("it", "Dep. Informática", "IT", {}),
        ("other", "Otros", "Other", {}),
    ],
    # Phase 4 is "preparing the offer" and phase 5 "offer sent".
    "ActionType": [
        ("call", "Llamada telefónica", "Phone call", {}),
        ("visit", "Visita", "Visit", {}),
        ("email", "Email", "Email", {}),
        ("demo", "Demostración de producto", "Product demo", {}),
        ("meeting", "Reunión", "Meeting", {}),
        (
            "prepare_offer",
            "Preparación de la oferta",
            "Preparing the offer",
            {"moves_to_phase": 4},
        ),
        (
            "send_offer",
            "Envío de la oferta",
            "Sending the offer",
            {"moves_to_phase": 5},
        ),
        ("other", "Otra", "Other", {}),
    ],
    "LostReason": [
        ("price", "Precio", "Price", {}),
        ("competitor", "Eligió a la competencia", "Chose a competitor", {}),
        ("no_budget", "Sin presupuesto", "No budget", {}),
        ("postponed", "Decisión aplazada", "Decision postponed", {}),
        ("product_fit", "El producto no encaja", "Product does not fit", {}),
        ("no_response", "Sin respuesta", "No response", {}),
        ("other", "Otro motivo", "Other reason", {}),
    ],
}


def load_options(apps, schema_editor):
    for model_name, rows in OPTIONS.items():
        model = apps.get_model("catalog", model_name)
        for position, (code, label_es, label_en, extra) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code,
                defaults={
                    "label_es": label_es,
                    "label_en": label_en,
                    "position": position * 10,
                    **extra,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load_options, migrations.RunPython.noop)]
