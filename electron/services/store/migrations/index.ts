// The ordered list of schema migrations. Append only: a released migration is never edited.
import * as m001 from './001-initial';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const migrations: Migration[] = [{ version: 1, name: 'initial', up: m001.up }];
