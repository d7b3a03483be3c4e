"""Units that act on cases: governance centers, departments, mediation committees, emergency units …"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    GOVERNANCE_CENTER = "governance_center", _("综治中心")
    DEPARTMENT = "department", _("职能部门")
    MEDIATION_COMMITTEE = "mediation_committee", _("人民调解委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")
    POLICE_STATION = "police_station", _("派出所")
    JUDICIAL_OFFICE = "judicial_office", _("司法所")
    EMERGENCY_UNIT = "emergency_unit", _("最小应急单元")
    OTHER = "other", _("其他")


class DepartmentType(models.TextChoices):
    HOUSING = "housing", _("住建")
    URBAN_MANAGEMENT = "urban_management", _("城管")
    ECOLOGY = "ecology", _("生态环境")
    HUMAN_RESOURCES = "human_resources", _("人社")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("卫健")
    TRANSPORT = "transport", _("交通")
    MARKET_REGULATION = "market_regulation", _("市场监管")
    EMERGENCY_MANAGEMENT = "emergency_management", _("应急管理")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    PUBLIC_SECURITY = "public_security", _("公安")
    JUSTICE = "justice", _("司法")
    WATER = "water", _("水务")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")
    FIRE = "fire", _("消防")
    PROPERTY = "property", _("物业")
    OTHER = "other", _("其他")


class OrgUnit(models.Model):
    """A unit with people in it. `region` is where it sits and the subtree it serves: a town center serves
    its town, the district 城管局 the whole district, a community property company its community."""

    code = models.CharField(_("机构编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=UnitKind.choices, db_index=True)
    department_type = models.CharField(_("部门类别"), max_length=32, choices=DepartmentType.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在/服务区域"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    phone = models.CharField(_("办公电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    members_count = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    equipment = models.CharField(_("装备"), max_length=300, blank=True)
    duty_hours = models.CharField(_("值守时间"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["code"]
        constraints = [
            # One governance center per district, town or community ("1" of 1+6+N).
            models.UniqueConstraint(
                fields=["region"], condition=Q(kind="governance_center", is_active=True),
                name="one_active_center_per_region",
            ),
        ]
        # the nearest units of a kind (emergency units) by a box around a point, also among a province's thousands
        indexes = [models.Index(fields=["kind", "lat", "lon"], name="orgunit_kind_place")]

    def __str__(self) -> str:
        return self.name
