// Go to definition, references, highlights and rename, in the manner of Langium's
// `expectGoToDefinition` / `expectFindReferences`: a cursor `<|>` on a piece of a
// file's text, and the exact answer as `file:line:char-line:char` (zero-based).
import { describe, expect, it } from 'vitest';
import { DocumentHighlightKind } from 'vscode-languageserver-types';
import {
  definition, documentHighlights, prepareRename, references, rename, RenameError,
} from '../../../server/src/lsp/navigation.js';
import { prepare } from './helper.js';
import { cursorIn, example, loc, petrolFleet, rangeText, slice, type Files } from './navigation-helpers.js';

const bilbao = example('bilbao.surv');
const fleet = petrolFleet();
const broken = example('broken/syntax-errors.surv');

const goTo = (files: Files, base: string) => (marked: string) => {
  const { ctx, position } = cursorIn(files, base, marked);
  return definition(ctx, position).map(loc);
};
const refs = (files: Files, base: string, includeDeclaration = true) => (marked: string) => {
  const { ctx, position } = cursorIn(files, base, marked);
  return references(ctx, position, includeDeclaration).map(loc);
};
const highlights = (files: Files, base: string) => (marked: string) => {
  const { ctx, position } = cursorIn(files, base, marked);
  return documentHighlights(ctx, position).map((h) => `${rangeText(h.range)} ${h.kind === DocumentHighlightKind.Write ? 'write' : 'read'}`);
};
const renameAt = (files: Files, base: string) => (marked: string, newName: string) => {
  const { ctx, position } = cursorIn(files, base, marked);
  return rename(ctx, position, newName);
};
/** Per file (base name): the edits as `range` strings; every edit must cover `oldName` and write `newName`. */
const renamed = (files: Files, base: string) => (marked: string, oldName: string, newName: string) => {
  const edit = renameAt(files, base)(marked, newName);
  const out: Record<string, string[]> = {};
  for (const [uri, edits] of Object.entries(edit?.changes ?? {})) {
    for (const e of edits) {
      expect(slice(files[uri] as string, e.range)).toBe(oldName);
      expect(e.newText).toBe(newName);
    }
    out[uri.slice(uri.lastIndexOf('/') + 1)] = edits.map((e) => rangeText(e.range));
  }
  return out;
};
const refused = (files: Files, base: string) => (marked: string, newName: string) => {
  try {
    renameAt(files, base)(marked, newName);
  } catch (error) {
    expect(error).toBeInstanceOf(RenameError);
    return (error as Error).message;
  }
  throw new Error(`renaming to '${newName}' was not refused`);
};
const preparing = (files: Files, base: string) => (marked: string) => {
  const { ctx, position } = cursorIn(files, base, marked);
  const answer = prepareRename(ctx, position);
  return answer ? `${rangeText(answer.range)} ${answer.placeholder}` : null;
};

describe('go to definition', () => {
  const inBilbao = goTo(bilbao, 'bilbao.surv');

  it('goes from references to the declaration in bilbao.surv', () => {
    expect(inBilbao('redirect 302 to p<|>stn')).toEqual(['bilbao.surv:25:10-25:14']);
    expect(inBilbao('ring <|>front')).toEqual(['bilbao.surv:36:8-36:13']);
    expect(inBilbao('[reception, desk1<|>]')).toEqual(['bilbao.surv:35:8-35:13']);
    expect(inBilbao('forward cl<|>oud')).toEqual(['bilbao.surv:28:11-28:16']);
    expect(inBilbao('in bil<|>bao {\n  cloud silent')).toEqual(['bilbao.surv:15:7-15:13']);
    expect(inBilbao('  desk1 calls 9440<|>00000')).toEqual([]);
    expect(inBilbao('expect de<|>sk1 gets 181')).toEqual(['bilbao.surv:35:8-35:13']);
  });

  it('answers the declaration itself on a declaration', () => {
    expect(inBilbao('phone desk<|>1')).toEqual(['bilbao.surv:35:8-35:13']);
  });

  it('answers nothing on keywords, literals, strings and comments', () => {
    expect(inBilbao('gate<|>way pstn')).toEqual([]);
    expect(inBilbao('address 10.10<|>.1.3')).toEqual([]);
    expect(inBilbao('"Survival <|>Activated')).toEqual([]);
    expect(inBilbao('# The central <|>PBX')).toEqual([]);
  });

  it("goes from a branch's `uses station` to profile.surv", () => {
    expect(goTo(fleet, 'station-01.surv')('uses st<|>ation')).toEqual(['profile.surv:12:8-12:15']);
    expect(goTo(fleet, 'station-21.surv')('uses station-2<|>4h')).toEqual(['profile.surv:39:8-39:19']);
    expect(goTo(fleet, 'profile.surv')('station-24h uses st<|>ation')).toEqual(['profile.surv:12:8-12:15']);
  });

  it('goes from the path of a `use` line to the start of that file', () => {
    expect(goTo(fleet, 'station-01.surv')('use "profile<|>.surv"')).toEqual(['profile.surv:0:0-0:0']);
    const { ctx, position } = prepare('use "miss<|>ing.surv"\n');
    expect(definition(ctx, position)).toEqual([]);
  });

  it("goes from a station's scenario to what the profile declares", () => {
    expect(goTo(fleet, 'station-01.surv')('  cl<|>oud silent')).toEqual(['profile.surv:13:11-13:16']);
    expect(goTo(fleet, 'station-01.surv')('in station-0<|>1')).toEqual(['station-01.surv:3:7-3:17']);
  });

  it('answers the levels that apply where the cursor is, nearest first', () => {
    // station-07 overrides the profile's gateway: both levels apply there.
    expect(goTo(fleet, 'station-07.surv')('inbound from p<|>stn')).toEqual(['station-07.surv:7:10-7:14', 'profile.surv:22:10-22:14']);
    // Inside the profile, only the profile's own declaration.
    expect(goTo(fleet, 'profile.surv')('redirect 302 to p<|>stn')).toEqual(['profile.surv:22:10-22:14']);
    expect(goTo(fleet, 'station-21.surv')('  pst<|>n calls')).toEqual(['station-21.surv:6:10-6:14', 'profile.surv:22:10-22:14']);
  });

  it('answers every station that supplies a name the profile only refers to', () => {
    const shops = goTo(fleet, 'profile.surv')('inbound from pstn { ring s<|>hop }');
    expect(shops).toHaveLength(19);
    expect(shops[0]).toBe('station-01.surv:7:8-7:12');
    expect(shops).not.toContain('station-07.surv:8:8-8:12'); // station-07 rings its own chain
  });

  it('works on a file with syntax errors', () => {
    const inBroken = goTo(broken, 'syntax-errors.surv');
    expect(inBroken('inbound from p<|>stn')).toEqual(['syntax-errors.surv:15:10-15:14']);
    expect(inBroken('ring fr<|>ont')).toEqual(['syntax-errors.surv:19:8-19:13']);
    expect(inBroken('via cl<|>oud')).toEqual(['syntax-errors.surv:16:11-16:16']);
  });

  it('works on a branch whose closing brace is missing', () => {
    const { ctx, position } = prepare('branch b {\n  gateway pstn { kind fxo }\n  inbound from ps<|>tn { ring x }\n');
    expect(definition(ctx, position).map(loc)).toEqual(['main.surv:1:10-1:14']);
  });
});

describe('find references', () => {
  it('lists every occurrence in file order, with or without the declaration', () => {
    expect(refs(bilbao, 'bilbao.surv')('group fr<|>ont')).toEqual(['bilbao.surv:36:8-36:13', 'bilbao.surv:53:27-53:32']);
    expect(refs(bilbao, 'bilbao.surv', false)('group fr<|>ont')).toEqual(['bilbao.surv:53:27-53:32']);
    expect(refs(bilbao, 'bilbao.surv', false)('phone recep<|>tion')).toEqual([
      'bilbao.surv:36:24-36:33', 'bilbao.surv:53:43-53:52', 'bilbao.surv:77:2-77:11',
    ]);
  });

  it('finds every use of a profile across the fleet', () => {
    const uses = refs(fleet, 'profile.surv', false)('profile sta<|>tion {');
    expect(uses).toHaveLength(21);
    expect(uses[0]).toBe('profile.surv:39:25-39:32');
    expect(uses[1]).toBe('station-01.surv:3:23-3:30');
  });

  it('answers nothing off a name', () => {
    expect(refs(bilbao, 'bilbao.surv')('ring<|>ing 60s')).toEqual([]);
  });
});

describe('document highlights', () => {
  it('marks declarations as writes and references as reads, in this file only', () => {
    expect(highlights(bilbao, 'bilbao.surv')('upstream cl<|>oud')).toEqual([
      '28:11-28:16 write', '40:21-40:26 read', '42:24-42:29 read', '59:2-59:7 read', '68:2-68:7 read', '76:2-76:7 read',
    ]);
    expect(highlights(fleet, 'station-07.surv')('gateway p<|>stn')).toEqual([
      '7:10-7:14 write', '10:15-10:19 read', '19:2-19:6 read',
    ]);
  });
});

describe('prepare rename', () => {
  const at = preparing(bilbao, 'bilbao.surv');
  it('answers the range and the text of the name under the cursor', () => {
    expect(at('phone desk1<|>')).toBe('35:8-35:13 desk1');
    expect(at('branch <|>bilbao')).toBe('15:7-15:13 bilbao');
    expect(at('  <|>cloud silent')).toBe('59:2-59:7 cloud');
  });
  it('refuses keywords, literals, strings, comments and blank space', () => {
    expect(at('<|>timers {')).toBeNull();
    expect(at('phone desk1 1<|>01')).toBeNull();
    expect(at('no-answer 1<|>0s')).toBeNull();
    expect(at('scenario "cloud <|>down')).toBeNull();
    expect(at('# Try <|>it')).toBeNull();
    expect(at('lan 10.222.237.0/24\n<|>')).toBeNull();
  });
});

describe('rename', () => {
  it('renames a phone everywhere in bilbao.surv', () => {
    expect(renamed(bilbao, 'bilbao.surv')('phone de<|>sk1', 'desk1', 'desk-1')).toEqual({
      'bilbao.surv': [
        '35:8-35:13', '36:35-36:40', '60:2-60:7', '61:9-61:14', '62:9-62:14', '69:2-69:7', '70:9-70:14', '78:2-78:7', '80:9-80:14',
      ],
    });
  });

  it("renames the profile's `pstn` in every station file that overrides or references it", () => {
    const edits = renamed(fleet, 'profile.surv')('gateway p<|>stn { kind', 'pstn', 'line');
    expect(Object.keys(edits)).toHaveLength(25);
    expect(edits['profile.surv']).toEqual(['22:10-22:14', '30:85-30:89', '31:33-31:37', '34:15-34:19', '41:15-41:19']);
    expect(edits['station-01.surv']).toEqual(['6:10-6:14']);
    expect(edits['station-07.surv']).toEqual(['7:10-7:14', '10:15-10:19', '19:2-19:6']);
    expect(edits['station-21.surv']).toEqual(['6:10-6:14', '16:2-16:6']);
  });

  it("renames from a station's override just the same (one symbol)", () => {
    const fromStation = renamed(fleet, 'station-12.surv')('gateway p<|>stn', 'pstn', 'line');
    expect(fromStation).toEqual(renamed(fleet, 'profile.surv')('gateway p<|>stn { kind', 'pstn', 'line'));
  });

  it('renames a profile and every `uses` of it', () => {
    const edits = renamed(fleet, 'station-03.surv')('uses st<|>ation', 'station', 'shop-policy');
    expect(edits['profile.surv']).toEqual(['12:8-12:15', '39:25-39:32']);
    expect(Object.keys(edits)).toHaveLength(21);
  });

  it('renames a branch and its scenarios', () => {
    expect(renamed(fleet, 'station-01.surv')('branch st<|>ation-01', 'station-01', 'station-001')).toEqual({
      'station-01.surv': ['3:7-3:17', '11:47-11:57'],
    });
  });

  it('works on a file with syntax errors', () => {
    expect(renamed(broken, 'syntax-errors.surv')('upstream cl<|>oud', 'cloud', 'hq')).toEqual({
      'syntax-errors.surv': ['16:11-16:16', '20:21-20:26', '21:24-21:29'],
    });
  });

  it('answers nothing off a name', () => {
    expect(renameAt(bilbao, 'bilbao.surv')('kind b<|>ri', 'isdn')).toBeNull();
  });

  it('accepts the current name (nothing to clash with)', () => {
    expect(Object.keys(renameAt(bilbao, 'bilbao.surv')('phone de<|>sk1', 'desk1')?.changes ?? {})).toEqual(['file:///ex/bilbao.surv']);
  });

  it('refuses names that are not names, and reserved keywords', () => {
    const refuse = refused(bilbao, 'bilbao.surv');
    const invalid = (name: string) =>
      `'${name}' is not a valid name: a name starts with a letter or '_' and goes on with letters, digits, '_' or '-'`;
    expect(refuse('phone de<|>sk1', '1desk')).toBe(invalid('1desk'));
    expect(refuse('phone de<|>sk1', 'desk 1')).toBe(invalid('desk 1'));
    expect(refuse('phone de<|>sk1', '')).toBe(invalid(''));
    expect(refuse('phone de<|>sk1', 'desk.1')).toBe(invalid('desk.1'));
    expect(refuse('phone de<|>sk1', 'ring')).toBe("'ring' is a reserved keyword and cannot be a name");
    expect(refuse('branch bil<|>bao', 'no-answer')).toBe("'no-answer' is a reserved keyword and cannot be a name");
  });

  it('refuses a name already taken in the same branch, whatever its kind', () => {
    const refuse = refused(bilbao, 'bilbao.surv');
    expect(refuse('phone de<|>sk1', 'reception')).toBe("cannot rename 'desk1' to 'reception': 'reception' is already a phone in branch 'bilbao'");
    expect(refuse('group fr<|>ont', 'cloud')).toBe("cannot rename 'front' to 'cloud': 'cloud' is already an upstream in branch 'bilbao'");
    expect(refuse('  <|>cloud silent', 'pstn')).toBe("cannot rename 'cloud' to 'pstn': 'pstn' is already a gateway in branch 'bilbao'");
  });

  it('refuses a clash that comes from a profile or from a station', () => {
    // station-21's shop would meet station-24h's group `counter`.
    expect(refused(fleet, 'station-21.surv')('phone sh<|>op', 'counter'))
      .toBe("cannot rename 'shop' to 'counter': 'counter' is already a group in branch 'station-21'");
    // The profile's gateway would meet station-07's phone `office`.
    expect(refused(fleet, 'profile.surv')('gateway p<|>stn { kind', 'office'))
      .toBe("cannot rename 'pstn' to 'office': 'office' is already a phone in branch 'station-07'");
    // Renaming station-01's shop edits the profile's `ring shop`, which station-07 inherits.
    expect(refused(fleet, 'station-01.surv')('phone sh<|>op', 'office'))
      .toBe("cannot rename 'shop' to 'office': 'office' is already a phone in branch 'station-07'");
  });

  it('allows a name that only another branch uses', () => {
    const two = {
      'file:///ws/a.surv': 'branch a {\n  gateway pstn { kind fxo }\n  phone shop 1 registered\n  inbound from pstn { ring shop }\n}\n',
      'file:///ws/b.surv': 'branch b {\n  gateway line { kind fxo }\n  phone desk 2 registered\n}\n',
    };
    expect(renamed(two, 'a.surv')('phone s<|>hop', 'shop', 'desk')).toEqual({ 'a.surv': ['2:8-2:12', '3:27-3:31'] });
    expect(renamed(two, 'a.surv')('gateway p<|>stn', 'pstn', 'line')).toEqual({ 'a.surv': ['1:10-1:14', '3:15-3:19'] });
  });

  it('refuses a branch name the fleet already has, and a profile name visible there', () => {
    expect(refused(fleet, 'station-01.surv')('branch st<|>ation-01', 'station-02'))
      .toBe("cannot rename 'station-01' to 'station-02': the fleet already has a branch 'station-02' (file:///fleet/station-02.surv)");
    expect(refused(fleet, 'profile.surv')('profile sta<|>tion {', 'station-24h'))
      .toBe("cannot rename 'station' to 'station-24h': a profile 'station-24h' is already visible there (file:///fleet/profile.surv)");
  });
});
