"""UI strings the workshop pages' scripts show, translated per request.

They reach the scripts in data-settings, as app/citizen/js_strings.py's do. Placeholders in
braces are filled by the scripts.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.common.map_strings import map_strings

STRINGS = {
    # Shared with the citizen map's modules (lib/, map/).
    "mapLabel": _l(
        "Shared map of the workshop. Use arrow keys to move the map, Enter to put a point "
        "at its centre."
    ),
    "networkError": _l("Could not reach the server. Check your connection and try again."),
    "serverError": _l("Something went wrong. Please try again."),
    "required": _l("This field is required."),
    "tooLong": _l("Write at most {n} characters."),
    # Shapes and what they say about themselves.
    "shapePoint": _l("Point"),
    "shapeLineString": _l("Line"),
    "shapePolygon": _l("Area"),
    "by": _l("by {name}"),
    "byOnBehalf": _l("by {name} (entered from paper)"),
    "groupNamed": _l("group {name}"),
    "noNote": _l("(no note)"),
    "noCategory": _l("No category"),
    "noGroup": _l("No group"),
    "hiddenMark": _l("hidden from participants"),
    "promotedMark": _l("made into a pin"),
    "noDrawings": _l("Nothing drawn yet."),
    "drawingsCount": _l("Drawings on the map: {n}"),
    # Drawing.
    "hintPoint": _l("Tap or click the map where the point goes."),
    "hintLineStart": _l("Tap or click the map where the line starts."),
    "hintAreaStart": _l("Tap or click the map at the first corner of the area."),
    "hintPoints": _l("{n} points placed (at least {needed}). Add more, or press Finish."),
    "hintPointsOne": _l("1 point placed (at least {needed}). Add more, or press Finish."),
    "crossesItself": _l(
        "The area would cross itself. Remove the last point or place it elsewhere."
    ),
    "cornerRefused": _l(
        "That point was not placed: the shape would cross itself. Place it elsewhere."
    ),
    "drawingCancelled": _l("Drawing cancelled."),
    "cannotDraw": _l("Drawing is not possible now."),
    "newDrawing": _l("New drawing: {shape}"),
    "editDrawing": _l("Change the drawing: {shape}"),
    "colorGroup": _l("Your group's colour"),
    "colorKeep": _l("Keep its colour"),
    "behalfRequired": _l("Write whose drawing this is."),
    "retrying": _l("No connection. Trying again…"),
    "drawingSaved": _l("Saved: your {shape} is on everyone's map."),
    "drawingChanged": _l("Your change was saved."),
    "shapeSaved": _l("The new position was saved."),
    "drawingDeleted": _l("The drawing was deleted. Undo brings it back."),
    "drawingHidden": _l("The drawing is hidden from participants."),
    "drawingShown": _l("The drawing is shown to everyone again."),
    "undone": _l("Your last change was undone."),
    "hintReshape": _l(
        "Drag the corners to reshape it, or drag the shape to move it. Each move is saved "
        "when you let go."
    ),
    "hintMovePoint": _l("Drag the point to move it, or move the map and put it at the centre."),
    "hideIt": _l("Hide from participants"),
    "showAgain": _l("Show to everyone again"),
    # Conflicts.
    "keptTheirs": _l("Their version was kept."),
    "reappliedMine": _l("Your change was applied on top of theirs."),
    "mineDelete": _l("Delete the drawing"),
    "mineShape": _l("A new shape or position"),
    "mineNote": _l("Note: {note}"),
    "mineColor": _l("Another colour"),
    # State, presence, following.
    "pausedNotice": _l("The facilitator has paused drawing. You can look, but not draw, for now."),
    "pausedFacilitator": _l("Drawing is paused for participants. You can still draw."),
    "closedNotice": _l("This workshop is closed. The map can be read, not changed."),
    "openAgain": _l("Drawing is open again."),
    "state_open": _l("Open: everyone can draw"),
    "state_paused": _l("Paused: only the facilitator can draw"),
    "state_closed": _l("Closed: read-only"),
    "live": _l("Live"),
    "reconnecting": _l("Reconnecting…"),
    "notLive": _l("Not live"),
    "presentCount": _l("{n} here"),
    "facilitatorsPresent": _l("facilitator connected: {n}"),
    "personInGroup": _l("{name} ({group})"),
    "nobodyYet": _l("Nobody has the map open yet."),
    "presenceClosed": _l("The workshop is closed: nobody is connected live."),
    "broughtHere": _l("The facilitator brought everyone to this view."),
    "followStarted": _l("Follow mode: your map follows the facilitator's."),
    "followEnded": _l("Follow mode has ended."),
    "followingNow": _l("Your map follows the facilitator's."),
    "notFollowing": _l("You have left follow mode."),
    "leaveFollow": _l("Stop following"),
    "followAgain": _l("Follow again"),
    "leftFollow": _l("You stopped following the facilitator."),
    "followingAgain": _l("You follow the facilitator again."),
    # Who may be here.
    "joinFirst": _l("Join the workshop first: you need its code."),
    "joinWithCode": _l("Join with the code"),
    "youFacilitate": _l("You are this workshop's facilitator."),
    "openFacilitatorView": _l("Open the facilitator's view"),
    "needFacilitatorLink": _l(
        "This page is for the facilitator: open it with the secret facilitator link."
    ),
    # The facilitator's controls and results.
    "everyoneBrought": _l("Everyone's map now shows your view."),
    "followMeOn": _l("Follow me is on: everyone's map follows yours."),
    "followMeOff": _l("Follow me is off."),
    "pickForPins": _l("Make a pin of: {drawing}"),
    "ownCategory": _l("Each drawing's own category"),
    "promoteCount": _l("Make pins of the ticked drawings ({n})"),
    "pinsMade": _l("{n} pins made. They are on the public map."),
    "pinsMadeOne": _l("1 pin made. It is on the public map."),
    "qrLabel": _l("QR code of the join link"),
    # Joining and starting.
    "joinTitle": _l("Join “{title}”"),
    "workshopClosed": _l("This workshop is closed: it cannot be joined any more."),
    "groupName": _l("Name of group {n}"),
    "groupColor": _l("Colour"),
    "removeGroup": _l("Remove group {n}"),
    "titleLength": _l("Write {min} to {max} characters."),
    "focusMapLabel": _l("Map for drawing the workshop's area."),
    "focusDrawn": _l("The area is drawn. The workshop's map will open there."),
    "focusNone": _l("No area drawn yet."),
    "focusCleared": _l("The area was removed."),
    "workshopStarted": _l("Your workshop has started. Its join code is {code}."),
    "copied": _l("Copied."),
    "copyYourself": _l("The link is selected: copy it with your keyboard or menu."),
    # The end time, and drawings made pins.
    "endedNotice": _l("This workshop has ended. The map can be read, not changed."),
    "endedFacilitator": _l(
        "The end time has passed: participants can no longer draw or join. You can still "
        "draw, or set a later end time."
    ),
    "endsAtNone": _l("No end time: the workshop goes on until you close it."),
    "endsAtFuture": _l("Ends {time}."),
    "endsAtPast": _l("Ended {time}."),
    "endsAtSaved": _l("The end time was saved: {time}."),
    "endsAtRemoved": _l("The end time was removed."),
    "promotedWhileEditing": _l(
        "This drawing was just made a pin on the public map, so it can no longer be changed here."
    ),
    # Removing a participant (the facilitator's list), and being removed.
    "removedNotice": _l(
        "The facilitator has removed you from this workshop. You can no longer draw or change "
        "anything here."
    ),
    "workshopEnded": _l("This workshop has ended: it cannot be joined any more."),
    "nobodyJoined": _l("Nobody has joined yet."),
    "connectedMark": _l("connected"),
    "notConnectedMark": _l("not connected"),
    "removedMark": _l("removed"),
    "removeParticipant": _l("Remove…"),
    "removeNamed": _l("Remove {name} from the workshop…"),
    "removeQuestion": _l(
        "Remove {name} from the workshop? They can no longer draw or change anything, nor "
        "join again from the same device."
    ),
    "hideTheirDrawings": _l("Also hide their drawings from everyone"),
    "removeConfirm": _l("Remove"),
    "removeCancel": _l("Keep them"),
    "letBackIn": _l("Let back in"),
    "letBackInNamed": _l("Let {name} back in"),
    "removedAndHidden": _l("{name} was removed from the workshop, and their drawings hidden."),
    "removedOnly": _l("{name} was removed from the workshop. Their drawings are still shown."),
    "letBackInDone": _l(
        "{name} can take part again. Their hidden drawings stay hidden until you show them."
    ),
    "hintReshapeKeys": _l(
        "Drag the corners to reshape it, or drag the shape to move it; the arrow keys move it "
        "too. Each move is saved."
    ),
    # The door: new joins stopped or let in, a new join code (static/js/workshop/door.js).
    "joinsOpenNow": _l("Anyone with the code can join."),
    "joinsStoppedNow": _l("Nobody new can join now. Everyone who has joined stays in."),
    "stopJoins": _l("Stop new joins"),
    "letJoinsIn": _l("Let new people join"),
    "newCodeMade": _l("The join code is now {code}. The old code and link no longer work."),
    "joinsClosedWorkshop": _l("The workshop is closed: nobody can join."),
    "joinsEndedWorkshop": _l(
        "The end time has passed: nobody can join. A later end time lets people in again."
    ),
    "presenceRemoved": _l("Not shown: you are no longer in this workshop."),
    "yourDrawingHidden": _l("The facilitator hid one of your drawings from everyone."),
    "noSuchCode": _l(
        "No workshop has this code. Check it, or ask the facilitator: they may have made a new one."
    ),
    "codeChanged": _l(
        "This code no longer opens the workshop: the facilitator has made a new one. Type the "
        "new code."
    ),
    "joinsStopped": _l(
        "The facilitator is not letting anyone new join now. Ask them to let new people in."
    ),
    # Reshaping corner by corner from the keyboard (static/js/workshop/corners.js).
    "cornerOf": _l("Corner {number} of {count}"),
    "wholeShape": _l("Whole shape"),
    "wholeShapeAgain": _l("The arrow keys move the whole shape again."),
    "cornerAdded": _l("New corner {number} of {count}."),
    "cornerRemoved": _l("Corner removed. Now corner {number} of {count}."),
    "cornerCrosses": _l("That change was not made: the area would cross itself."),
    "lineCornersLeast": _l("A line needs at least {n} corners."),
    "areaCornersLeast": _l("An area needs at least {n} corners."),
}


def js_strings() -> dict[str, str]:
    """The strings in the request's language."""
    return {**map_strings(), **{key: str(value) for key, value in STRINGS.items()}}
