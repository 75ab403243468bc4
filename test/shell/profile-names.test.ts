/** The completion's header scan names the same profiles as the full parse (loadSharedConfig). */
import { describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { configProfiles } from '../../src/config/load.js';
import { profileNamesIn } from '../../src/shell/profile-names.js';

const CONFIG = [
  '[DEFAULT]\nregion = eu-west-1\n',
  '[profile zeta]\nregion = x\n',
  '[default]\n',
  '[profile alpha]\r\nregion = y\r\n',
  '[profile "with space"]\n',
  "[profile 'single']\n",
  '[profile  two-spaces]\n',
  '[profile tab\there]\n',
  '[profilex]\n',
  '[sso-session corp]\nsso_start_url = https://x\n',
  '[services dev]\ns3 =\n  endpoint_url = http://localhost\n',
  '[profile x]]\n',
  '[profile bad\x1bname]\n',
  '[profile alpha2] \n',
  '[profile a b c]\n',
].join('');

const CREDENTIALS = '[DEFAULT]\nregion = z\n[alpha]\naws_access_key_id = A\n[cred only]\n[zeta]\n';

describe('profileNamesIn', () => {
  it('finds the names loadSharedConfig finds, sorted, once, without control characters', () => {
    const parsed = new Set([...configProfiles(parseIni(CONFIG), 'profile').keys(), ...parseIni(CREDENTIALS).keys()]);
    const expected = [...parsed].filter((name) => !/[\x00-\x1f]/.test(name)).sort();
    expect(profileNamesIn(CONFIG, CREDENTIALS)).toEqual(expected);
    expect(expected).toEqual(['alpha', 'alpha2', 'cred only', 'default', 'single', 'two-spaces', 'with space', 'x]', 'zeta']);
  });

  it('sorts a config written out of order', () => {
    expect(profileNamesIn('[profile b]\n[profile a]\n[profile b]\n', '[a]\n')).toEqual(['a', 'b']);
  });
});
