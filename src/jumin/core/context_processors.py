def jumin(request):
    from jumin.registry.models import Municipality

    return {"municipality": Municipality.objects.filter(is_self=True).first()}
