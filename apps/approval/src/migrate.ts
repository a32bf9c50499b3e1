import { migrateCli } from '@portcullis/database';
import { store } from './store';

void migrateCli('approval', store);
