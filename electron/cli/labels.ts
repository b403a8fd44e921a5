// `key=value` as the command line writes labels.
import { AppError } from '../../shared/errors';

export function parseLabel(text: string, flag = '--label'): { key: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new AppError('invalid_request', `${flag} "${text}" is not key=value (e.g. ${flag} category=death)`);
  return { key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}
