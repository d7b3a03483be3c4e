from django.shortcuts import render

import gridgov


def home(request):
    return render(request, "web/home.html", {"version": gridgov.__version__})
