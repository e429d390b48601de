"""The 14 Class II indicators of GB/T 41350-2022, one function per formula.

Rates are fractions (0.8154, shown as 81.54 %).  Indicators 1–7 compare the
remanufacturing side (R) with the original manufacturing side (M) as
``1 − X_R / X_M``: a positive value is a saving, a negative one is allowed and
means remanufacturing used or emitted more.  Indicators 8–14 are shares of a
whole on the remanufacturing side and lie in [0, 1].

Status: only the water conservation rate (SW) is confirmed word for word from
the public record of the standard; the other 13 formulas are remanxl's reading
of its structure and of its sister standards (``interpreted``).  Every choice
behind them is a setting (:mod:`remanxl.method.settings`).

References
----------
.. [1] GB/T 41350-2022 Remanufacturing — Evaluation indexes and calculation
   methods of energy saving and emission reduction (issued 2022-03-09, in
   force 2022-10-01), clause 6.
.. [2] GB/T 2589-2020 General principles for calculation of the comprehensive
   energy consumption.
.. [3] GB/T 32150-2015 General guideline of the greenhouse gas emissions
   accounting and reporting for industrial enterprises.
.. [4] Environmental Protection Tax Law of the PRC, annex (pollution-equivalent values).
.. [5] GB/T 28620-2012 Remanufacturing rate calculation method.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from remanxl.method.errors import InputError, Problem, UndefinedRateError

CONFIRMED = "confirmed"
INTERPRETED = "interpreted"

#: Relative slack for sums that should be equal but went through floating point.
_SLACK = 1e-12


@dataclass(frozen=True)
class IndicatorInfo:
    """What the standard and remanxl say about one indicator."""

    number: int
    symbol: str
    name_en: str
    name_zh: str
    group: str  # energy_resource | pollutant | implementation
    formula: str
    numerator: str  # symbol of the numerator quantity
    denominator: str
    status: str
    reference: str

    @property
    def udf(self) -> str:
        return f"REMAN_{self.symbol}"


GROUPS = {
    "energy_resource": ("Energy and resource conservation", "能源资源节约"),
    "pollutant": ("Pollutant discharge reduction", "污染物减排"),
    "implementation": ("Remanufacturing implementation", "再制造实施"),
}

INDICATORS: tuple[IndicatorInfo, ...] = (
    IndicatorInfo(1, "SE", "Energy conservation rate", "节能率", "energy_resource", "1 − CER/CEM", "CER", "CEM",
                  INTERPRETED, "GB/T 41350-2022 cl. 6; energy per GB/T 2589-2020"),
    IndicatorInfo(2, "SM", "Resource (material) conservation rate", "节材率", "energy_resource", "1 − CMR/CMM",
                  "CMR", "CMM", INTERPRETED, "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(3, "SW", "Water conservation rate", "节水率", "energy_resource", "1 − CWR/CWM", "CWR", "CWM",
                  CONFIRMED, "GB/T 41350-2022 cl. 6 (formula confirmed)"),
    IndicatorInfo(4, "RGHG", "Greenhouse gas emissions reduction rate", "温室气体减排率", "pollutant",
                  "1 − EGR/EGM", "EGR", "EGM", INTERPRETED,
                  "GB/T 41350-2022 cl. 6; accounting per GB/T 32150-2015 / GB/T 32151.29-2024"),
    IndicatorInfo(5, "RAP", "Air pollutant emissions reduction rate", "大气污染物减排率", "pollutant",
                  "1 − EAR/EAM", "EAR", "EAM", INTERPRETED,
                  "GB/T 41350-2022 cl. 6; equivalents per the Environmental Protection Tax Law annex"),
    IndicatorInfo(6, "REF", "Effluent reduction rate", "废水减排率", "pollutant", "1 − EWR/EWM", "EWR", "EWM",
                  INTERPRETED, "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(7, "RSW", "Solid waste generation reduction rate", "固体废物减量率", "pollutant",
                  "1 − ESR/ESM", "ESR", "ESM", INTERPRETED, "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(8, "RUP", "Recycled (used) parts use rate", "旧件利用率", "implementation",
                  "used parts reused or remanufactured / all parts disassembled", "used_reused", "used_total",
                  INTERPRETED, "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(9, "RND", "Non-destructive dismantling rate", "无损拆解率", "implementation",
                  "parts removed without damage / parts removed", "n_intact", "n_dismantled", INTERPRETED,
                  "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(10, "RWP", "Washable parts rate", "可清洗件率", "implementation",
                  "parts cleanable to reuse requirement / parts removed", "n_washable", "n_dismantled",
                  INTERPRETED, "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(11, "RR", "Remanufacturing rate", "再制造率", "implementation",
                  "core-derived part mass / product mass", "m_core_derived", "m_product", INTERPRETED,
                  "GB/T 41350-2022 cl. 6; GB/T 28620-2012"),
    IndicatorInfo(12, "RDH", "Discarded parts harm elimination rate", "废弃件无害化处理率", "implementation",
                  "discarded parts treated compliantly / all discarded parts", "m_harmless", "m_discarded",
                  INTERPRETED, "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(13, "RRP", "Replaced parts rate", "更换件率", "implementation",
                  "new replacement part mass / product mass", "m_new", "m_product", INTERPRETED,
                  "GB/T 41350-2022 cl. 6"),
    IndicatorInfo(14, "RNR", "Recycling rate of parts that cannot be remanufactured", "不可再制造件回收利用率",
                  "implementation", "non-remanufacturable parts recycled / all non-remanufacturable parts",
                  "m_recycled", "m_non_reman", INTERPRETED, "GB/T 41350-2022 cl. 6"),
)

BY_SYMBOL = {i.symbol: i for i in INDICATORS}
SYMBOLS = tuple(i.symbol for i in INDICATORS)


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError([Problem("arguments", None, name, f"expected a number ≥ 0, got {value!r}")])
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise InputError([Problem("arguments", None, name, f"expected a finite number, got {value!r}")])
    if value < 0:
        raise InputError([Problem("arguments", None, name, f"expected a number ≥ 0, got {value:g}")])
    return value


def reduction_rate(x_reman, x_original, reman_name: str = "x_reman", original_name: str = "x_original") -> float:
    r"""Generic rate of indicators 1–7: :math:`1 - X_R / X_M`.

    Parameters
    ----------
    x_reman : float
        Quantity on the remanufacturing side (≥ 0), in any unit.
    x_original : float
        The same quantity on the original manufacturing side (> 0), same unit, same number of products.
    reman_name, original_name : str
        Names used in error messages.

    Returns
    -------
    float
        The rate as a fraction; negative when remanufacturing uses more.

    Raises
    ------
    InputError
        A value that is not a number, or is negative.
    UndefinedRateError
        ``x_original`` is 0: the rate is undefined (never 0 % or 100 %).

    Examples
    --------
    >>> reduction_rate(1300, 1000)
    -0.30000000000000004
    """
    r = _number(x_reman, reman_name)
    m = _number(x_original, original_name)
    if m == 0:
        raise UndefinedRateError(f"{original_name} (original side) is 0: the rate is undefined")
    return 1.0 - r / m


def share(part, whole, part_name: str = "part", whole_name: str = "whole") -> float:
    r"""Generic ratio of indicators 8–14: ``part / whole`` with ``0 ≤ part ≤ whole``.

    Raises
    ------
    InputError
        A negative or non-numeric value, or a part larger than its whole (both values named).
    UndefinedRateError
        ``whole`` is 0.

    Examples
    --------
    >>> round(share(560, 598.9), 6)
    0.935048
    """
    p = _number(part, part_name)
    w = _number(whole, whole_name)
    if w == 0:
        raise UndefinedRateError(f"{whole_name} is 0: the ratio is undefined")
    if p > w * (1 + _SLACK):
        raise InputError([Problem("arguments", None, part_name,
                                  f"{part_name} = {p:g} is larger than {whole_name} = {w:g}; a share cannot exceed 1")])
    return p / w


def energy_conservation_rate(ce_r, ce_m) -> float:
    r"""Energy conservation rate 节能率, SE (indicator 1, status: interpreted).

    .. math:: S_E = 1 - \frac{C_{ER}}{C_{EM}}

    Parameters
    ----------
    ce_r : float
        Comprehensive energy consumption of remanufacturing N products, kgce.
    ce_m : float
        Comprehensive energy consumption of manufacturing N new products, kgce.

    Comprehensive energy consumption follows GB/T 2589-2020: Σ quantity × standard-coal
    coefficient over processes and energy types; purchased energy-carrying media count at their
    equal-value coefficients; exported energy is subtracted.

    References: GB/T 41350-2022 cl. 6 [1]_; GB/T 2589-2020 [2]_.

    >>> round(energy_conservation_rate(18888.37, 72341.45), 4)
    0.7389
    """
    return reduction_rate(ce_r, ce_m, "CER", "CEM")


def material_conservation_rate(cm_r, cm_m) -> float:
    r"""Resource (material) conservation rate 节材率, SM (indicator 2, status: interpreted).

    .. math:: S_M = 1 - \frac{C_{MR}}{C_{MM}}

    Parameters
    ----------
    cm_r : float
        Mass of materials consumed in remanufacturing N products, kg: new raw and auxiliary
        materials, repair materials (cladding powder, wire, plating chemicals) and new replacement
        parts. Used cores are not a consumption.
    cm_m : float
        Mass of materials consumed in manufacturing N new products, kg: blanks, castings, bar stock,
        purchased parts, auxiliaries.

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> round(material_conservation_rate(14800, 62000), 5)
    0.76129
    """
    return reduction_rate(cm_r, cm_m, "CMR", "CMM")


def water_conservation_rate(cw_r, cw_m) -> float:
    r"""Water conservation rate 节水率, SW (indicator 3, status: **confirmed**).

    .. math:: S_W = 1 - \frac{C_{WR}}{C_{WM}}

    Parameters
    ----------
    cw_r : float
        Fresh water withdrawn to remanufacture N products, m³, summed over processes.
    cw_m : float
        Fresh water withdrawn to manufacture N new products, m³.

    References: GB/T 41350-2022 cl. 6 [1]_ (the one formula confirmed word for word).

    >>> round(water_conservation_rate(1200, 6500), 6)
    0.815385
    """
    return reduction_rate(cw_r, cw_m, "CWR", "CWM")


def ghg_reduction_rate(eg_r, eg_m) -> float:
    r"""Greenhouse gas emissions reduction rate 温室气体减排率, RGHG (indicator 4, status: interpreted).

    .. math:: R_{GHG} = 1 - \frac{E_{GR}}{E_{GM}}

    Parameters
    ----------
    eg_r, eg_m : float
        GHG emissions of remanufacturing / manufacturing N products, kgCO₂e: fuel combustion
        (quantity × emission factor) + purchased electricity × grid factor + purchased heat × heat
        factor + process gases (CO₂ shielding gas 1:1, SF₆/HFC leaks × GWP) − exported electricity
        and heat.

    References: GB/T 41350-2022 cl. 6 [1]_; GB/T 32150-2015 [3]_.

    >>> round(ghg_reduction_rate(64471.98, 248823.45), 6)
    0.740893
    """
    return reduction_rate(eg_r, eg_m, "EGR", "EGM")


def air_pollutant_reduction_rate(ea_r, ea_m) -> float:
    r"""Air pollutant emissions reduction rate 大气污染物减排率, RAP (indicator 5, status: interpreted).

    .. math:: R_{AP} = 1 - \frac{E_{AR}}{E_{AM}}, \qquad E_A = \sum_j \frac{m_j}{w_j}

    Parameters
    ----------
    ea_r, ea_m : float
        Air pollutants emitted in remanufacturing / manufacturing N products, in pollution
        equivalents (default; ``m_j`` kg of pollutant j, ``w_j`` its pollution-equivalent value in
        kg) or in kg (setting ``air_aggregation = mass``).

    References: GB/T 41350-2022 cl. 6 [1]_; Environmental Protection Tax Law annex [4]_.

    >>> round(air_pollutant_reduction_rate(32.8655, 248.7218), 4)
    0.8679
    """
    return reduction_rate(ea_r, ea_m, "EAR", "EAM")


def effluent_reduction_rate(ew_r, ew_m) -> float:
    r"""Effluent reduction rate 废水减排率, REF (indicator 6, status: interpreted).

    .. math:: R_{EF} = 1 - \frac{E_{WR}}{E_{WM}}

    Parameters
    ----------
    ew_r, ew_m : float
        Wastewater discharged in remanufacturing / manufacturing N products, m³ (default), or water
        pollutants in pollution equivalents (setting ``effluent_basis = pollution_equivalent``).

    References: GB/T 41350-2022 cl. 6 [1]_; Environmental Protection Tax Law annex [4]_.

    >>> round(effluent_reduction_rate(800, 5200), 6)
    0.846154
    """
    return reduction_rate(ew_r, ew_m, "EWR", "EWM")


def solid_waste_reduction_rate(es_r, es_m) -> float:
    r"""Solid waste generation reduction rate 固体废物减量率, RSW (indicator 7, status: interpreted).

    .. math:: R_{SW} = 1 - \frac{E_{SR}}{E_{SM}}

    Parameters
    ----------
    es_r, es_m : float
        Solid waste generated in remanufacturing / manufacturing N products, kg, summed over
        streams (general and hazardous; both are also reported separately).

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> round(solid_waste_reduction_rate(3200, 21500), 6)
    0.851163
    """
    return reduction_rate(es_r, es_m, "ESR", "ESM")


def used_parts_use_rate(used_reused, used_total) -> float:
    r"""Recycled (used) parts use rate 旧件利用率, RUP (indicator 8, status: interpreted).

    .. math:: R_{UP} = \frac{\text{used parts reused or remanufactured}}{\text{all parts disassembled from the cores}}

    Parameters
    ----------
    used_reused : float
        Disassembled used parts that go back into the product, directly reused or remanufactured;
        kg (default basis) or count.
    used_total : float
        All parts disassembled from the cores, same basis.

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> round(used_parts_use_rate(560, 598.9), 6)
    0.935048
    """
    return share(used_reused, used_total, "used_reused", "used_total")


def non_destructive_dismantling_rate(n_intact, n_dismantled) -> float:
    r"""Non-destructive dismantling rate 无损拆解率, RND (indicator 9, status: interpreted).

    .. math:: R_{ND} = \frac{\text{parts removed without damage caused by dismantling}}{\text{parts removed}}

    Parameters
    ----------
    n_intact : float
        Parts removed intact; count (default basis) or kg.
    n_dismantled : float
        Parts removed, same basis. With ``rnd_exclude_consumables`` both terms leave out designated
        one-time consumables (gaskets, seals, lock washers).

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> round(non_destructive_dismantling_rate(137, 198), 6)
    0.691919
    """
    return share(n_intact, n_dismantled, "n_intact", "n_dismantled")


def washable_parts_rate(n_washable, n_dismantled) -> float:
    r"""Washable parts rate 可清洗件率, RWP (indicator 10, status: interpreted).

    .. math:: R_{WP} = \frac{\text{parts cleanable to the reuse cleanliness requirement}}{\text{parts removed}}

    Parameters
    ----------
    n_washable : float
        Parts that can be cleaned to the reuse requirement; count (default basis) or kg.
    n_dismantled : float
        Parts removed (or, with ``rwp_denominator = cleaned``, parts sent to cleaning), same basis.

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> washable_parts_rate(150, 198) > 0.75
    True
    """
    return share(n_washable, n_dismantled, "n_washable", "n_dismantled")


def remanufacturing_rate(m_core_derived, m_product) -> float:
    r"""Remanufacturing rate 再制造率, RR (indicator 11, status: interpreted).

    .. math:: R_R = \frac{m_\text{core-derived}}{m_\text{product}}

    Parameters
    ----------
    m_core_derived : float
        Mass (default basis) or count of the parts in the remanufactured product that come from
        cores, reused or remanufactured.
    m_product : float
        Total mass (or part count) of the remanufactured product.

    References: GB/T 41350-2022 cl. 6 [1]_; GB/T 28620-2012 [5]_.

    >>> round(remanufacturing_rate(560, 598.9), 6)
    0.935048
    """
    return share(m_core_derived, m_product, "m_core_derived", "m_product")


def discarded_parts_harmless_rate(m_harmless, m_discarded) -> float:
    r"""Discarded parts harm elimination rate 废弃件无害化处理率, RDH (indicator 12, status: interpreted).

    .. math:: R_{DH} = \frac{m_\text{compliant treatment}}{m_\text{discarded}}

    Parameters
    ----------
    m_harmless : float
        Mass (default basis) or count of discarded parts sent to compliant treatment: material
        recycling, licensed hazardous-waste disposal, compliant incineration or landfill.
    m_discarded : float
        All discarded parts, same basis.

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> discarded_parts_harmless_rate(38.9, 38.9)
    1.0
    """
    return share(m_harmless, m_discarded, "m_harmless", "m_discarded")


def replaced_parts_rate(m_new, m_product) -> float:
    r"""Replaced parts rate 更换件率, RRP (indicator 13, status: interpreted).

    .. math:: R_{RP} = \frac{m_\text{new}}{m_\text{product}}

    On a mass basis, RR + RRP = 1 when every part of the product is core-derived or new.

    Parameters
    ----------
    m_new : float
        Mass (default basis) or count of new replacement parts in the remanufactured product.
    m_product : float
        Total mass (or part count) of the remanufactured product.

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> round(replaced_parts_rate(38.9, 598.9), 6)
    0.064952
    """
    return share(m_new, m_product, "m_new", "m_product")


def non_reman_parts_recycling_rate(m_recycled, m_non_reman) -> float:
    r"""Recycling rate of parts that cannot be remanufactured 不可再制造件回收利用率, RNR (indicator 14, interpreted).

    .. math:: R_{NR} = \frac{m_\text{recycled}}{m_\text{non-remanufacturable}}

    Parameters
    ----------
    m_recycled : float
        Mass (default basis) or count of non-remanufacturable parts sent to material recycling or
        recovery.
    m_non_reman : float
        All non-remanufacturable parts, same basis.

    References: GB/T 41350-2022 cl. 6 [1]_.

    >>> round(non_reman_parts_recycling_rate(36.9, 38.9), 6)
    0.948586
    """
    return share(m_recycled, m_non_reman, "m_recycled", "m_non_reman")


#: symbol → function, in the standard's order.
FUNCTIONS = {
    "SE": energy_conservation_rate,
    "SM": material_conservation_rate,
    "SW": water_conservation_rate,
    "RGHG": ghg_reduction_rate,
    "RAP": air_pollutant_reduction_rate,
    "REF": effluent_reduction_rate,
    "RSW": solid_waste_reduction_rate,
    "RUP": used_parts_use_rate,
    "RND": non_destructive_dismantling_rate,
    "RWP": washable_parts_rate,
    "RR": remanufacturing_rate,
    "RDH": discarded_parts_harmless_rate,
    "RRP": replaced_parts_rate,
    "RNR": non_reman_parts_recycling_rate,
}
assert tuple(FUNCTIONS) == SYMBOLS
