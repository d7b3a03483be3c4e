"""The administrative tree and its grids: district → town → community → grid → microgrid."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    DISTRICT = "district", _("区/县")
    TOWN = "town", _("街道/乡镇")
    COMMUNITY = "community", _("社区/村")
    GRID = "grid", _("网格")
    MICROGRID = "microgrid", _("微网格")


# Which level may sit under which: a grid belongs to exactly one community (never directly to a town).
CHILD_LEVEL = {
    None: Level.DISTRICT,
    Level.DISTRICT: Level.TOWN,
    Level.TOWN: Level.COMMUNITY,
    Level.COMMUNITY: Level.GRID,
    Level.GRID: Level.MICROGRID,
}
ADMINISTRATIVE_LEVELS = (Level.DISTRICT, Level.TOWN, Level.COMMUNITY)


class GridKind(models.TextChoices):
    BASIC = "basic", _("基础网格")
    SPECIAL = "special", _("专属网格")


class SpecialKind(models.TextChoices):
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    MARKET = "market", _("市场")
    PARK = "park", _("公园/景区")
    INDUSTRIAL_PARK = "industrial_park", _("产业园区")
    GOVERNMENT = "government", _("机关单位")
    TRANSPORT = "transport", _("交通场站")
    OTHER = "other", _("其他")


class RegionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def grids(self):
        return self.filter(level=Level.GRID)

    def subtree_of(self, region: Region):
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """A node of the tree. `path` lists the codes from the root ("/440106000000/440106001000/…/"), so a
    subtree is one indexed prefix query; jurisdiction scoping everywhere is built on it."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    grid_kind = models.CharField(_("网格类型"), max_length=16, choices=GridKind.choices, blank=True)
    special_kind = models.CharField(_("专属网格类别"), max_length=32, choices=SpecialKind.choices, blank=True)
    geometry = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    centroid_lon = models.FloatField(_("中心经度"), null=True, blank=True, editable=False)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True, editable=False)
    area_m2 = models.FloatField(_("面积(平方米)"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划/网格")
        verbose_name_plural = _("区划/网格")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="region_bbox"),
            models.Index(fields=["level", "is_active"], name="region_level_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.strip("/").split("/") if c]

    def ancestors(self) -> list[Region]:
        """Root first, self excluded."""
        codes = self.ancestor_codes()[:-1]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def label(self) -> str:
        return f"{self.get_level_display()} {self.name}"


class LocatorVersion(models.Model):
    """One row: bumped in the same transaction as any grid change, so every process rebuilds its locator."""

    version = models.PositiveBigIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网格版本")
        verbose_name_plural = _("网格版本")

    @classmethod
    def current(cls) -> int:
        row = cls.objects.filter(pk=1).values_list("version", flat=True).first()
        return row or 0

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=1).update(version=models.F("version") + 1)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})
