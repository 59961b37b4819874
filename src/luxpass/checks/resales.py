"""A brand's view of its own second-hand market, from its collection's ownership records."""
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from ..onchain.records import OWNERSHIP, block_timestamps, fetch_records
from ..onchain.registry import Consortium
from ..spec import TransferKind

PERIODS = {"month": "%Y-%m", "week": "%G-W%V", "day": "%Y-%m-%d", "year": "%Y"}


@dataclass
class ResaleFigures:
    brand: str
    collection: str
    period: str
    first_sales: int
    resales: int
    resales_per_period: dict
    resales_per_reseller: dict
    days_first_sale_to_resale: dict


def resale_figures(consortium: Consortium, brand_ref, period: str = "month") -> ResaleFigures:
    brand = consortium.brand(brand_ref)
    chain = consortium.chain
    timestamp = block_timestamps(chain)
    first_sale_at, waits = {}, []
    per_period, per_reseller, first_sales = Counter(), Counter(), 0
    for record in fetch_records(chain, [brand.collection], consortium.deployment.block, chain.w3.eth.block_number,
                                chunk=50_000):
        kind = TransferKind(record.kind) if record.type == OWNERSHIP else None
        if kind not in (TransferKind.FIRST_SALE, TransferKind.RESALE):
            continue
        when = timestamp(record.block)
        if kind == TransferKind.FIRST_SALE:
            first_sales += 1
            first_sale_at[record.token_id] = when
            continue
        per_period[datetime.fromtimestamp(when, timezone.utc).strftime(PERIODS[period])] += 1
        per_reseller[record.actor] += 1
        if record.token_id in first_sale_at:
            waits.append((when - first_sale_at.pop(record.token_id)) / 86400)
    summary = {"count": len(waits)}
    if waits:
        summary.update(min=round(min(waits), 2), median=round(statistics.median(waits), 2),
                       mean=round(statistics.fmean(waits), 2), max=round(max(waits), 2))
    return ResaleFigures(brand.name, brand.collection, period, first_sales, sum(per_period.values()),
                         dict(sorted(per_period.items())), dict(per_reseller.most_common()), summary)
