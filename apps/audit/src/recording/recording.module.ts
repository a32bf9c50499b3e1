import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RecordingHttp } from './recording.http';
import { SessionRecordings } from './recording.service';

@Module({ imports: [AuthModule], controllers: [RecordingHttp], providers: [SessionRecordings] })
export class RecordingModule {}
