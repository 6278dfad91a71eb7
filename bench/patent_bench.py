"""Benchmark of the patent register on PostgreSQL: bulk import of patents and their evaluation, end to end.

Seeds a demo city (default 11,000 firms), generates a csv of patents (default 100,000) in the patent template's
format spread over every firm (kinds, statuses, transfers, licences, pledges, awards), then times, through the same
services the import page and the nightly job use, with Celery inline:

1. upload and check (the preview), 2. commit (COPY + INSERT … ON CONFLICT, then the set-based evaluation of every
right of the firms touched), 3. a whole scoring run with its publication: each firm's Class I/II counts from the
register, high-value counts feed the portraits, and the register's warnings are raised. `patents_100k_s` is the sum
(the figures keep the target size's name whatever --patents says; `config` holds the sizes). Also times a second
commit of the same file (every row unchanged) and a re-evaluation of every right.

    .venv/bin/python bench/patent_bench.py [--firms 11000] [--patents 100000] [--seed 2026] [--database-url URL]
                                           [--keep-data]

Target: under 30 s end to end. The last line is one JSON object. The bench database (default $DATABASE_URL, else
portal_patent_bench) is created and migrated when missing and dropped at the end unless --keep-data, only when this
run created it; its registry is replaced (seed_demo --reset): never point it at data you keep.
"""

import argparse
import csv
import datetime
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from import_bench import drop_database, ensure_database, manage  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_patent_bench"
TARGET_S = 30.0
HEADER = ["统一社会信用代码", "专利号", "知识产权类型", "知识产权名称", "申请日", "授权日", "法律状态", "失效日期",
          "权利要求数", "IPC分类号", "战略性新兴产业", "海外同族授权数", "质押融资金额", "获奖情况", "转入日期",
          "转让人", "转出日期", "受让人", "许可次数", "最近许可日期", "被许可人"]  # fmt: skip


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=11000, help="firms in the demo city (default 11000)")
    parser.add_argument("--patents", type=int, default=100000, help="patents in the file (default 100000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument("--keep-data", action="store_true", help="keep a database this run created")
    return parser.parse_args(argv)


def patent_csv(codes: list[str], count: int, *, seed: int, today: datetime.date) -> bytes:
    rng = np.random.default_rng(seed)
    firm = rng.integers(0, len(codes), count)
    kind = rng.choice(["发明专利", "实用新型专利", "外观设计专利", "软件著作权"], count, p=[0.35, 0.4, 0.1, 0.15])
    filed_days = rng.integers(0, 20 * 365, count)
    grant_after = rng.integers(120, 1000, count)
    status_draw = rng.random(count)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    start = today - datetime.timedelta(days=20 * 365 + 1000)
    for i in range(count):
        filed = start + datetime.timedelta(days=int(filed_days[i]))
        granted = filed + datetime.timedelta(days=int(grant_after[i]))
        status, status_on = "有效", ""
        if status_draw[i] < 0.08:
            status, status_on = "未缴年费终止", (granted + datetime.timedelta(days=400)).isoformat()
        elif status_draw[i] < 0.09:
            status, status_on = "被宣告无效", (granted + datetime.timedelta(days=200)).isoformat()
        out_on, to = "", ""
        if 0.09 <= status_draw[i] < 0.11:
            out_on, to = (granted + datetime.timedelta(days=300)).isoformat(), "外地受让公司"
        acquired, acquired_from = ("", "")
        if 0.11 <= status_draw[i] < 0.14:
            acquired, acquired_from = (granted + datetime.timedelta(days=100)).isoformat(), "某大学"
        licences = 1 if 0.14 <= status_draw[i] < 0.17 else 0
        licensed_on = (granted + datetime.timedelta(days=50)).isoformat() if licences else ""
        type_digit = {"发明专利": 1, "实用新型专利": 2, "外观设计专利": 3, "软件著作权": 1}[kind[i]]
        number = f"9{type_digit}{i:010d}.{i % 10}" if kind[i] != "软件著作权" else f"{filed.year}SR{i:07d}"
        writer.writerow([
            codes[firm[i]], number, kind[i], f"一种测试技术{i}", filed.isoformat(),
            granted.isoformat() if granted <= today else "", status, status_on, int(rng.integers(1, 20)),
            "G06F", "是" if rng.random() < 0.15 else "否", int(rng.random() < 0.03),
            "1200" if rng.random() < 0.01 else "", "中国专利奖" if rng.random() < 0.002 else "", acquired,
            acquired_from, out_on, to, licences, licensed_on, "被许可公司" if licences else "",
        ])  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def run(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import Role
    from enterprises.importing.services import import_job_create, import_job_request_commit
    from enterprises.models import Enterprise, ImportJob
    from ip.models import Patent
    from ip.services import evaluate_patents
    from pipeline.nightly import run_now

    today = timezone.localdate()
    Patent.objects.all().delete()  # the demo registers: the file is the register
    codes = list(Enterprise.objects.order_by("pk").values_list("credit_code", flat=True))
    content = patent_csv(codes, args.patents, seed=args.seed, today=today)
    log(f"csv of {args.patents:,} patents for {len(codes):,} firms: {len(content) / 1e6:.1f} MB")
    user, _created = get_user_model().objects.get_or_create(username="patent-bench", defaults={"role": Role.CITY_STAFF})

    def import_once(label: str) -> tuple[float, float, ImportJob]:
        started = time.perf_counter()
        job = import_job_create(kind="patents", uploaded_file=SimpleUploadedFile("patents.csv", content), actor=user)
        job.refresh_from_db()
        checked = time.perf_counter()
        if job.status != ImportJob.Status.READY:
            raise SystemExit(f"{label}: check ended {job.status}: {job.issues_preview[:3]} {job.message}")
        import_job_request_commit(job=job, actor=user)
        job.refresh_from_db()
        committed = time.perf_counter()
        if job.status != ImportJob.Status.COMMITTED:
            raise SystemExit(f"{label}: commit ended {job.status}: {job.message}")
        log(f"{label}: check {checked - started:.2f} s, commit (with evaluation) {committed - checked:.2f} s; "
            f"new {job.new_rows}, updated {job.updated_rows}, unchanged {job.unchanged_rows}")  # fmt: skip
        return checked - started, committed - checked, job

    check_s, commit_s, job = import_once("import")
    started = time.perf_counter()
    scoring = run_now(on=today, force=True)
    scoring_s = time.perf_counter() - started
    log(f"scoring run with the register's counts and warnings: {scoring_s:.2f} s ({scoring.firms_scored} firms)")
    again_check_s, again_commit_s, again = import_once("same file again")
    started = time.perf_counter()
    evaluate_patents(on=today + datetime.timedelta(days=1))
    evaluate_s = time.perf_counter() - started
    log(f"re-evaluation of every right: {evaluate_s:.2f} s")
    total = check_s + commit_s + scoring_s
    return {
        "patents_100k_s": round(total, 2),
        "check_s": round(check_s, 2),
        "commit_with_evaluation_s": round(commit_s, 2),
        "scoring_run_s": round(scoring_s, 2),
        "second_commit_s": round(again_check_s + again_commit_s, 2),
        "second_commit_unchanged": again.unchanged_rows,
        "reevaluate_all_s": round(evaluate_s, 2),
        "high_value": Patent.objects.filter(high_value=True).count(),
        "target_s": TARGET_S,
        "meets_target": total < TARGET_S,
        "config": {"firms": args.firms, "patents": args.patents, "rows_committed": job.new_rows},
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    created = ensure_database(args.database_url)
    work_dir = Path(tempfile.mkdtemp(prefix="patent-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false", DATABASE_URL=args.database_url, REDIS_URL="",
        PRIVATE_MEDIA_ROOT=str(work_dir / "private"), LOG_LEVEL="WARNING",
    )  # fmt: skip
    try:
        env = os.environ.copy()
        manage("migrate", "--noinput", env=env)
        log(f"seeding {args.firms:,} firms")
        manage("seed_demo", "--reset", "--firms", str(args.firms), "--seed", str(args.seed), env=env)
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        result = run(args)
    finally:
        if created and not args.keep_data:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
