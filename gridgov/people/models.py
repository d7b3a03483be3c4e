"""Base data under a grid: buildings, their units and households, the residents actually living there,
organisations, and the focus groups that get care. Identity numbers and phones are stored encrypted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.identity import IdType, id_hash_kind
from gridgov.core.pii import mask_from_last4, pii_columns


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商业")
    MIXED = "mixed", _("商住混合")
    PUBLIC = "public", _("公共建筑")
    INDUSTRIAL = "industrial", _("工业")
    OTHER = "other", _("其他")


class Building(models.Model):
    """楼栋. Numbered 00001–99999 within its grid; a new building takes the next number."""

    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT,
                             related_name="buildings")
    microgrid = models.ForeignKey("regions.Region", verbose_name=_("所属微网格"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="microgrid_buildings")
    number = models.CharField(_("楼栋编号"), max_length=5)
    name = models.CharField(_("楼栋名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    use = models.CharField(_("用途"), max_length=16, choices=BuildingUse.choices, default=BuildingUse.RESIDENTIAL)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["grid__code", "number"]
        constraints = [models.UniqueConstraint(fields=["grid", "number"], name="unique_building_number_in_grid")]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"{self.grid.code}{self.number}"


class BuildingUnit(models.Model):
    """单元 (an entrance/stairwell of a building)."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    number = models.CharField(_("单元号"), max_length=10)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unique_unit_in_building")]

    def __str__(self) -> str:
        return f"{self.building.name}{self.number}单元"


class Household(models.Model):
    """户: one dwelling (room) and the people registered as living in it."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("户籍户")
        RENTED = "rented", _("出租户")
        VACANT = "vacant", _("空置户")
        OTHER = "other", _("其他")

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="households")
    unit = models.ForeignKey(BuildingUnit, verbose_name=_("单元"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="households")
    room = models.CharField(_("房号"), max_length=20)
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT,
                             related_name="households")
    kind = models.CharField(_("户类型"), max_length=16, choices=Kind.choices, default=Kind.REGISTERED)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="unique_room_in_unit"),
            models.UniqueConstraint(fields=["building", "room"], condition=Q(unit__isnull=True),
                                    name="unique_room_in_building_without_unit"),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit.number}单元" if self.unit_id else ""
        return f"{self.building.name}{unit}{self.room}室"


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    OVERSEAS = "overseas", _("境外人员")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")
    UNKNOWN = "unknown", _("未说明")


class Resident(models.Model):
    """实有人口: a person actually living in the grid, identified by a 身份证号 or, for people from Hong Kong,
    Macao, Taiwan and abroad, another identity document (`id_type`)."""

    PII_KIND_FIELDS = {"id_number": "id_type"}  # documents of different types are hashed apart (core.identity)

    @staticmethod
    def pii_kind(name: str, id_type: str) -> str:
        return id_hash_kind(id_type) if name == "id_number" else "phone"

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_enc, id_number_hash, id_number_last4 = pii_columns()
    phone_enc, phone_hash, phone_last4 = pii_columns()
    residence_type = models.CharField(_("人口类型"), max_length=16, choices=ResidenceType.choices,
                                      default=ResidenceType.REGISTERED)
    household = models.ForeignKey(Household, verbose_name=_("所在户"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="residents")
    relation_to_head = models.CharField(_("与户主关系"), max_length=20, blank=True)
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT,
                             related_name="residents")
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("关联账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="resident")
    is_active = models.BooleanField(_("在册"), default=True)
    moved_out_at = models.DateTimeField(_("迁出时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("实有人口")
        verbose_name_plural = _("实有人口")
        ordering = ["grid__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], condition=Q(is_active=True) & ~Q(id_number_hash=""),
                                    name="one_active_resident_per_id_number"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_from_last4("id_number", self.id_number_last4)

    @property
    def phone_masked(self) -> str:
        return mask_from_last4("phone", self.phone_last4)


class FocusGroup(models.TextChoices):
    EMPTY_NEST_ELDERLY = "empty_nest_elderly", _("空巢老人")
    LIVING_ALONE_ELDERLY = "living_alone_elderly", _("独居老人")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低保/困难群众")
    SPECIAL_POPULATION = "special_population", _("特殊人群")
    KEY_YOUTH = "key_youth", _("重点青少年")
    VETERAN = "veteran", _("退役军人")


class FocusGroupMembership(models.Model):
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.PROTECT,
                                 related_name="focus_groups")
    group = models.CharField(_("重点人群类别"), max_length=32, choices=FocusGroup.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("重点人群")
        verbose_name_plural = _("重点人群")
        constraints = [models.UniqueConstraint(fields=["resident", "group"], name="unique_focus_group")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_group_display()}"


class Organisation(models.Model):
    """单位组织: enterprises, shops and social organisations located in a grid."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        SHOP = "shop", _("个体商铺")
        SOCIAL_ORG = "social_org", _("社会组织")
        INSTITUTION = "institution", _("机关事业单位")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=150)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT,
                             related_name="organisations")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    phone_enc, phone_hash, phone_last4 = pii_columns()
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_active = models.BooleanField(_("在营"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位组织")
        verbose_name_plural = _("单位组织")
        ordering = ["grid__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="unique_organisation_uscc"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_from_last4("phone", self.phone_last4)
