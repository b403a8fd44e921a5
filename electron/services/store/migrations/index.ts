// The ordered list of schema migrations. Append only: a released migration is never edited.
import * as m001 from './001-initial';
import * as m002 from './002-datasets';
import * as m003 from './003-runs';
import * as m004 from './004-progress';
import * as m005 from './005-faces';
import * as m006 from './006-networks';
import * as m007 from './007-latents';
import * as m008 from './008-renders';
import * as m009 from './009-run-leases';
import * as m010 from './010-resume-points';
import * as m011 from './011-metrics-by-name';
import * as m012 from './012-quality';
import * as m013 from './013-run-origin';
import * as m014 from './014-dataset-classes';
import * as m015 from './015-stylegan-networks';
import * as m016 from './016-imports';
import * as m017 from './017-metadata';
import * as m018 from './018-second-look';
import * as m019 from './019-import-prior';
import * as m020 from './020-health-verdicts';
import * as m021 from './021-weights-kept';
import * as m022 from './022-hue-coherence';

export interface Migration {
  version: number;
  name: string;
  up: string;
  /** Rebuilds tables that others reference: run with foreign keys off, checked before commit. */
  foreignKeysOff?: boolean;
}

export const migrations: Migration[] = [
  { version: 1, name: 'initial', up: m001.up },
  { version: 2, name: 'datasets', up: m002.up },
  { version: 3, name: 'runs', up: m003.up },
  { version: 4, name: 'progress in kimg, paused runs', up: m004.up, foreignKeysOff: m004.foreignKeysOff },
  { version: 5, name: 'faces', up: m005.up },
  { version: 6, name: 'networks', up: m006.up },
  { version: 7, name: 'latents of every origin, with labels', up: m007.up, foreignKeysOff: m007.foreignKeysOff },
  { version: 8, name: 'renders', up: m008.up },
  { version: 9, name: 'run leases', up: m009.up },
  { version: 10, name: 'resume points', up: m010.up },
  { version: 11, name: 'statistics by name', up: m011.up },
  { version: 12, name: 'quality metrics', up: m012.up },
  { version: 13, name: 'runs trained elsewhere', up: m013.up },
  { version: 14, name: 'dataset classes', up: m014.up },
  { version: 15, name: 'StyleGAN (v1) networks', up: m015.up, foreignKeysOff: m015.foreignKeysOff },
  { version: 16, name: 'imports, to undo', up: m016.up },
  { version: 17, name: 'catalogue metadata', up: m017.up },
  { version: 18, name: 'faces on a second look, pictures set aside', up: m018.up, foreignKeysOff: m018.foreignKeysOff },
  { version: 19, name: 'what an import changed on pictures already there', up: m019.up },
  { version: 20, name: 'five health verdicts', up: m020.up },
  { version: 21, name: 'checkpoints that let their weights go', up: m021.up },
  { version: 22, name: 'hue coherence of faces', up: m022.up },
];
