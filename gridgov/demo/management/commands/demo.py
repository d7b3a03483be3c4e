from django.core.management.base import BaseCommand, CommandError

from gridgov.demo.builder import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load the fictional demo district (青禾区) and print the demo log-ins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="people ×N (1, 10, 100)")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--url", default="", help="the URL to print")
        parser.add_argument("--history-days", type=int, default=90, help="days of case history (0: none)")
        parser.add_argument("--cases-per-day", type=int, default=30)

    def handle(self, *args, scale, seed, url, history_days, cases_per_day, **options):
        if scale < 1 or scale > 1000:
            raise CommandError("--scale must be between 1 and 1000")
        result = build_demo(seed=seed, scale=scale, history_days=history_days, cases_per_day=cases_per_day)
        if result.created:
            c = result.counts
            self.stdout.write(self.style.SUCCESS(
                f"演示区县已建立:{c['communities']} 个社区、{c['grids']} 个网格、{c['buildings']} 栋楼、"
                f"{c['households']} 户、{c['residents']} 名居民、{c['organisations']} 个单位、{c['units']} 个机构、"
                f"{c.get('cases', 0)} 件事件、{c.get('disputes', 0)} 件矛盾纠纷"
            ))
        else:
            self.stdout.write("演示区县已存在,未重复建立。")
        if url:
            self.stdout.write(f"\n平台地址: {url}\n管理后台: {url.rstrip('/')}/admin/\n接口文档: {url.rstrip('/')}/api/v1/docs/")
        self.stdout.write(f"\n演示账号(密码均为 {DEMO_PASSWORD}):")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<14} {login.role}({login.where})")
