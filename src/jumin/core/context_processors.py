def jumin(request):
    from jumin.registry.models import Municipality

    return {"municipality": Municipality.own()}
