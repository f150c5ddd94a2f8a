"""Voice intents: what people say to a room, as Home Assistant intents.

Home Assistant's own intents already cover "set the boardroom volume to 30 percent" (the room's
media player) and "turn on display A go live" (an entity's name). These handle what they cannot:
a room named by its device or area ("mute the boardroom microphone", "is the boardroom in a
call", "hang up the boardroom"), a feature named without a device when there is only one ("start
recording", "what is the login code") and a soft trigger by its name ("press trigger 1").

The English sentences ship in ``custom_sentences/en/proav.yaml`` (Home Assistant reads custom
sentences from the configuration folder). Only entities exposed to Assist are read or changed.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    area_registry as ar,
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    intent,
)
import voluptuous as vol

from .const import CONF_DEVICE_TYPE, DOMAIN

ASSISTANT = "conversation"
INTENT_RECORDING = "ProAVRecording"
INTENT_STREAMING = "ProAVStreaming"
INTENT_MICROPHONE_MUTE = "ProAVMicrophoneMute"
INTENT_HANG_UP = "ProAVHangUp"
INTENT_IN_CALL = "ProAVInCall"
INTENT_VOLUME = "ProAVGetVolume"
INTENT_SET_VOLUME = "ProAVSetVolume"
INTENT_LOGIN_CODE = "ProAVLoginCode"
INTENT_PRESS_TRIGGER = "ProAVPressTrigger"
INTENT_GO_LIVE = "ProAVGoLive"


@dataclass(frozen=True, kw_only=True)
class Feature:
    """Where a spoken feature lives: device types, then the entity's platform and key."""

    device_types: tuple[str, ...]
    domain: str
    translation_key: str | None


RECORDING = Feature(
    device_types=("magewell_ultra_stream",), domain="switch", translation_key="recording"
)
STREAMING = Feature(
    device_types=("magewell_ultra_stream",), domain="switch", translation_key="streaming"
)
MICROPHONE_MUTE = Feature(
    device_types=("poly_videoos",), domain="switch", translation_key="microphone_mute"
)
HANG_UP = Feature(device_types=("poly_videoos",), domain="button", translation_key="hang_up")
IN_CALL = Feature(device_types=("poly_videoos",), domain="binary_sensor", translation_key="in_call")
VOLUME = Feature(
    device_types=("poly_videoos", "aten_vp2730"), domain="media_player", translation_key=None
)
LOGIN_CODE = Feature(
    device_types=("presentation_receiver",), domain="sensor", translation_key="login_code"
)
SOFT_TRIGGER = Feature(
    device_types=("exacqvision",), domain="button", translation_key="soft_trigger"
)
GO_LIVE = Feature(device_types=("aten_vp2730",), domain="switch", translation_key="go_live")


@callback
def async_register_intents(hass: HomeAssistant) -> None:
    """Register the intents (once, from the integration's ``async_setup``)."""
    for handler in (
        _SwitchHandler(INTENT_RECORDING, RECORDING, "recording"),
        _SwitchHandler(INTENT_STREAMING, STREAMING, "streaming"),
        _SwitchHandler(INTENT_MICROPHONE_MUTE, MICROPHONE_MUTE, "microphone mute"),
        _HangUpHandler(),
        _InCallHandler(),
        _VolumeHandler(),
        _SetVolumeHandler(),
        _LoginCodeHandler(),
        _PressTriggerHandler(),
        _GoLiveHandler(),
    ):
        intent.async_register(hass, handler)


class _NotDone(Exception):
    """Why an intent cannot be done: said to the user as the answer (not an error to log)."""

    def __init__(
        self,
        message: str,
        code: intent.IntentResponseErrorCode = intent.IntentResponseErrorCode.NO_VALID_TARGETS,
    ) -> None:
        """Keep the answer and its kind."""
        super().__init__(message)
        self.code = code


def _normalize(text: str) -> str:
    """Fold case, articles and spacing, so "the Boardroom" matches "boardroom"."""
    words = re.sub(r"[^\w]+", " ", text.casefold()).split()
    return " ".join(word for word in words if word != "the")


def _room_names(hass: HomeAssistant, entry_id: str) -> set[str]:
    """Return the names a room is called by: its entry title, device names and area."""
    names: set[str] = set()
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is not None:
        names.add(_normalize(re.sub(r"\s*\([^)]*\)$", "", entry.title)))
    areas = ar.async_get(hass)
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        names.update(_normalize(name) for name in (device.name_by_user, device.name) if name)
        if device.area_id and (area := areas.async_get_area(device.area_id)):
            names.update(_normalize(name) for name in (area.name, *area.aliases))
    names.discard("")
    return names


def _find(hass: HomeAssistant, feature: Feature, room: str | None) -> list[State]:
    """Return the exposed entities of a feature, in the named room (or in every room)."""
    registry = er.async_get(hass)
    wanted = _normalize(room) if room else None
    found: list[State] = []
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        if entry.data.get(CONF_DEVICE_TYPE) not in feature.device_types:
            continue
        if wanted is not None and wanted not in _room_names(hass, entry.entry_id):
            continue
        found.extend(
            state
            for item in er.async_entries_for_config_entry(registry, entry.entry_id)
            if item.domain == feature.domain
            and item.translation_key == feature.translation_key
            and async_should_expose(hass, ASSISTANT, item.entity_id)
            and (state := hass.states.get(item.entity_id)) is not None
        )
    return found


def _one(hass: HomeAssistant, feature: Feature, room: str | None, what: str) -> State:
    """Return the one entity meant, or say why there is none (or more than one)."""
    found = _find(hass, feature, room)
    if not found:
        where = f" in {room}" if room else ""
        raise _NotDone(f"There is no {what}{where} that I may use.")
    if len(found) > 1 and feature.domain != "media_player":
        raise _NotDone(f"There is more than one {what}. Say which room.")
    return found[0]


def _room(intent_obj: intent.Intent) -> str | None:
    slot = intent_obj.slots.get("room")
    return str(slot["value"]).strip() if slot and slot.get("value") else None


def _known(state: State) -> bool:
    return state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)


async def _call(
    intent_obj: intent.Intent,
    domain: str,
    service: str,
    state: State,
    data: dict[str, Any] | None = None,
) -> intent.IntentResponse:
    """Call an action on an entity; a refusal becomes the answer instead of a failure."""
    response = intent_obj.create_response()
    try:
        await intent_obj.hass.services.async_call(
            domain,
            service,
            {ATTR_ENTITY_ID: state.entity_id, **(data or {})},
            blocking=True,
            context=intent_obj.context,
        )
    except HomeAssistantError as err:
        raise _NotDone(
            str(err) or "The device refused.", intent.IntentResponseErrorCode.FAILED_TO_HANDLE
        ) from err
    response.async_set_results(
        success_results=[
            intent.IntentResponseTarget(
                type=intent.IntentResponseTargetType.ENTITY,
                name=state.name,
                id=state.entity_id,
            )
        ]
    )
    return response


class _Handler(intent.IntentHandler):
    """An intent about one room (the ``room`` slot is optional where one device will do)."""

    slot_schema: dict[Any, Any] = {vol.Optional("room"): cv.string}

    def __init__(self, intent_type: str) -> None:
        """Name the intent."""
        self.intent_type = intent_type

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Do the intent; what cannot be done is the answer, not an error."""
        try:
            return await self._async_handle(intent_obj)
        except _NotDone as err:
            response = intent_obj.create_response()
            response.async_set_error(err.code, str(err))
            return response

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Do the intent (override)."""
        raise NotImplementedError


class _SwitchHandler(_Handler):
    """Turn a room's switch on or off ("start recording", "mute the boardroom microphone")."""

    slot_schema = {vol.Optional("room"): cv.string, vol.Required("state"): cv.string}

    def __init__(self, intent_type: str, feature: Feature, what: str) -> None:
        """Name the intent and the feature it switches."""
        super().__init__(intent_type)
        self.feature = feature
        self.what = what

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Switch the feature."""
        state = _one(intent_obj.hass, self.feature, _room(intent_obj), self.what)
        on = intent_obj.slots["state"]["value"] == STATE_ON
        response = await _call(intent_obj, "switch", "turn_on" if on else "turn_off", state)
        response.async_set_speech(f"{self.what.capitalize()} {'on' if on else 'off'}.")
        return response


class _HangUpHandler(_Handler):
    """End the calls of a room ("hang up the boardroom")."""

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_HANG_UP)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Press the room's hang-up button."""
        state = _one(intent_obj.hass, HANG_UP, _room(intent_obj), "call to hang up")
        response = await _call(intent_obj, "button", "press", state)
        response.async_set_speech("Hung up.")
        return response


class _InCallHandler(_Handler):
    """Answer whether a room is in a call."""

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_IN_CALL)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the room's in-call sensor."""
        room = _room(intent_obj)
        state = _one(intent_obj.hass, IN_CALL, room, "room system")
        response = intent_obj.create_response()
        where = room or "The room"
        if not _known(state):
            response.async_set_speech(f"I don't know: {where} does not answer.")
        elif state.state == STATE_ON:
            response.async_set_speech(f"Yes, {where} is in a call.")
        else:
            response.async_set_speech(f"No, {where} is not in a call.")
        return response


class _VolumeHandler(_Handler):
    """Answer a room's volume ("what is the volume of the boardroom")."""

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_VOLUME)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the room's media player."""
        room = _room(intent_obj)
        state = _one(intent_obj.hass, VOLUME, room, "room with a volume")
        response = intent_obj.create_response()
        level = state.attributes.get("volume_level")
        where = room or state.name
        if level is None:
            response.async_set_speech(f"I don't know the volume of {where}.")
        else:
            muted = " (muted)" if state.attributes.get("is_volume_muted") else ""
            response.async_set_speech(f"The volume of {where} is {round(level * 100)}%{muted}.")
        return response


class _SetVolumeHandler(_Handler):
    """Set a room's volume, whether or not it plays ("set the boardroom volume to 30 percent").

    Home Assistant's own volume intent only changes media players that are playing; a room
    system's volume matters before the call too.
    """

    slot_schema = {
        vol.Required("room"): cv.string,
        vol.Required("volume"): vol.All(vol.Coerce(int), vol.Range(min=0, max=100)),
    }

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_SET_VOLUME)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Set the room's media player volume."""
        room = _room(intent_obj)
        state = _one(intent_obj.hass, VOLUME, room, "room with a volume")
        level = int(intent_obj.slots["volume"]["value"])
        response = await _call(
            intent_obj, "media_player", "volume_set", state, {"volume_level": level / 100}
        )
        response.async_set_speech(f"The volume of {room} is now {level}%.")
        return response


class _LoginCodeHandler(_Handler):
    """Say a presentation receiver's login code."""

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_LOGIN_CODE)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the receiver's login code."""
        state = _one(intent_obj.hass, LOGIN_CODE, _room(intent_obj), "login code")
        response = intent_obj.create_response()
        if not _known(state):
            response.async_set_speech("The receiver shows no login code now.")
        else:
            response.async_set_speech(f"The login code is {' '.join(state.state)}.")
        return response


def _named(hass: HomeAssistant, feature: Feature, said: str, what: str) -> State:
    """Return the one entity of a feature whose name holds the words said."""
    words = _normalize(said)
    pattern = re.compile(rf"(^| ){re.escape(words)}( |$)")
    matches = [
        state for state in _find(hass, feature, None) if pattern.search(_normalize(state.name))
    ]
    if len(matches) != 1:
        raise _NotDone(f"I found {'no' if not matches else 'more than one'} {what} called {words}.")
    return matches[0]


class _PressTriggerHandler(_Handler):
    """Fire an exacqVision soft trigger by its name ("press trigger 1")."""

    slot_schema = {vol.Required("trigger"): cv.string}

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_PRESS_TRIGGER)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Press the soft trigger whose name holds the words said."""
        said = str(intent_obj.slots["trigger"]["value"])
        state = _named(intent_obj.hass, SOFT_TRIGGER, said, "soft trigger")
        response = await _call(intent_obj, "button", "press", state)
        response.async_set_speech(f"{state.name} fired.")
        return response


class _GoLiveHandler(_Handler):
    """Make a presentation switch's display go live, by the display's name."""

    slot_schema = {vol.Required("output"): cv.string, vol.Required("state"): cv.string}

    def __init__(self) -> None:
        """Name the intent."""
        super().__init__(INTENT_GO_LIVE)

    async def _async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Turn the display's go-live switch on or off."""
        said = f"{intent_obj.slots['output']['value']} go live"
        state = _named(intent_obj.hass, GO_LIVE, said, "display")
        on = intent_obj.slots["state"]["value"] == STATE_ON
        response = await _call(intent_obj, "switch", "turn_on" if on else "turn_off", state)
        response.async_set_speech(f"{state.name} {'on' if on else 'off'}.")
        return response
