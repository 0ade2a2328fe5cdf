from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("confirm/resend/", views.confirm_resend, name="confirm_resend"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/done/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.data_export, name="data_export"),
    path("delete/", views.delete_account, name="delete_account"),
    path("admin/users/", views.admin_user_list, name="admin_user_list"),
    path("admin/users/<int:pk>/", views.admin_user_detail, name="admin_user_detail"),
    path("admin/users/<int:pk>/roles/", views.admin_role_assign, name="admin_role_assign"),
    path(
        "admin/users/<int:pk>/roles/<int:assignment_pk>/remove/",
        views.admin_role_remove,
        name="admin_role_remove",
    ),
    path(
        "admin/users/<int:pk>/memberships/",
        views.admin_membership_add,
        name="admin_membership_add",
    ),
    path(
        "admin/users/<int:pk>/memberships/<int:membership_pk>/remove/",
        views.admin_membership_remove,
        name="admin_membership_remove",
    ),
    path("admin/users/<int:pk>/active/", views.admin_user_set_active, name="admin_user_set_active"),
]
