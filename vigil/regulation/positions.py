"""Key positions (重要部位): the places inside a site where a camera typically looks (A7).

A7's last paragraph leaves the choice of key positions to the site's unit, guided by the
bureau (A7.2). This catalogue gives stable codes and names for the usual ones, so the default
checklist of each site category (`taxonomy`) and the location types a UI offers (`privacy`)
share one vocabulary. A unit may confirm, drop or add positions; the codes stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class KeyPosition:
    """A kind of place where a camera may be installed."""

    code: str
    zh: str
    en: str


_POSITIONS: tuple[KeyPosition, ...] = (
    # A7(1): wording of the measures
    KeyPosition("road_section", "重要路段", "important road section"),
    KeyPosition("junction", "路口", "junction"),
    KeyPosition("tunnel", "隧道", "tunnel"),
    # A7(2), A7(3), A7(12): wording of the measures
    KeyPosition("lobby", "大厅", "lobby / hall"),
    KeyPosition("passage", "通道", "corridor / passage"),
    KeyPosition("entrance", "出入口", "entrance / exit"),
    KeyPosition("main_passage", "主要通道", "main passage"),
    # usual key positions
    KeyPosition("cash_desk", "收银台", "cash desk"),
    KeyPosition("car_park_entrance", "停车场出入口", "car-park entrance / exit"),
    KeyPosition("ticket_hall", "售票厅", "ticket hall"),
    KeyPosition("waiting_hall", "候车(机、船)厅", "waiting hall"),
    KeyPosition("security_check", "安检区", "security checkpoint"),
    KeyPosition("platform", "站台", "platform"),
    KeyPosition("vehicle_interior", "车厢内部", "vehicle interior"),
    KeyPosition("vehicle_door", "上下客车门", "passenger doors"),
    KeyPosition("driver_area", "驾驶区", "driver's area"),
    KeyPosition("gate", "大门", "main gate"),
    KeyPosition("perimeter", "周界", "perimeter"),
    KeyPosition("server_room", "机房", "equipment / server room"),
    KeyPosition("control_room", "控制室", "control / dispatch room"),
    KeyPosition("core_equipment_area", "核心设备区", "core equipment area"),
    KeyPosition("storage_area", "库区", "storage area / warehouse"),
    KeyPosition("loading_area", "装卸区", "loading area"),
    KeyPosition("exhibition_hall", "展厅", "exhibition hall"),
    KeyPosition("collection_store", "藏品库房", "collection store / stacks"),
    KeyPosition("reading_room", "阅览室", "reading room"),
    KeyPosition("laboratory", "实验室", "laboratory"),
    KeyPosition("business_hall", "营业厅", "business hall"),
    KeyPosition("vault", "金库", "vault"),
    KeyPosition("cash_handover_area", "款箱交接区", "cash-in-transit handover area"),
    KeyPosition("self_service_area", "自助服务区", "self-service (ATM) area"),
    KeyPosition("playground", "操场", "playground / sports ground"),
    KeyPosition("emergency_department", "急诊区", "emergency department"),
    KeyPosition("pharmacy", "药房", "pharmacy"),
    KeyPosition("crowd_area", "人员聚集区域", "crowd gathering area"),
    KeyPosition("building_entrance", "楼栋出入口", "building entrance"),
    KeyPosition("elevator_car", "电梯轿厢", "lift car"),
)

KEY_POSITIONS: MappingProxyType[str, KeyPosition] = MappingProxyType(
    {position.code: position for position in _POSITIONS}
)
"""Every catalogued key position, code → `KeyPosition`."""
