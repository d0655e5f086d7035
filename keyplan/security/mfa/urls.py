from django.urls import path

from keyplan.security.mfa import profile, signin

# The second sign-in step, under /login/.
signin_urls = [
    path("code/", signin.code_step, name="mfa-code"),
    path("setup/", signin.setup_step, name="mfa-setup"),
]

# Under /profile/.
profile_urls = [
    path("", profile.manage, name="mfa"),
    path("codes/", profile.new_codes, name="mfa-codes"),
    path("remove/", profile.remove, name="mfa-remove"),
]
