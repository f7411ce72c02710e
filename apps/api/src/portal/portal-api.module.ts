import { Module } from '@nestjs/common';
import { PortalResolver } from './portal.resolver.js';

/** Portals over GraphQL: registration (operators), settings (everyone of the portal), the monthly limit (admins). */
@Module({ providers: [PortalResolver] })
export class PortalApiModule {}
