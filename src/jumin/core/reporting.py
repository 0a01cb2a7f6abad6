"""Error reports never carry a 個人番号: any request parameter whose name mentions it is masked,
as Django masks passwords (番号法第12条 安全管理措置)."""

from django.views.debug import SafeExceptionReporterFilter


class JuminExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None:
            return params
        params = params.copy()
        for key in list(params.keys()):
            if "my_number" in key or "個人番号" in key:
                params[key] = self.cleansed_substitute
        return params
