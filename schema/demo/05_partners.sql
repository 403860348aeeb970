-- Demo partner organisations: three district councils, two housing providers, employers,
-- colleges and a health partner. Fixed ids, so a demo partner token can carry one as its
-- org_id (make token ROLE=partner ORG_ID=d0000000-0000-4000-8000-000000000001). Contact
-- details are fictional. Re-runs, and partner rows other demo files add, never clash:
-- ON CONFLICT (name) DO NOTHING.

INSERT INTO partners (id, name, kind, districts, contact_name, contact_email, contact_phone)
VALUES
    ('d0000000-0000-4000-8000-000000000001', 'Redditch Borough Council', 'district_council',
     '{Redditch}', 'Housing Options Team', 'housing.options@redditch.example', '01527 000101'),
    ('d0000000-0000-4000-8000-000000000002', 'Worcester City Council', 'district_council',
     '{"Worcester City"}', 'Housing Options Team', 'housing.options@worcester.example',
     '01905 000102'),
    ('d0000000-0000-4000-8000-000000000003', 'Wyre Forest District Council', 'district_council',
     '{"Wyre Forest"}', 'Housing Options Team', 'housing.options@wyreforest.example',
     '01562 000103'),
    ('d0000000-0000-4000-8000-000000000004', 'Severn Vale Homes', 'housing_provider',
     '{Bromsgrove,"Malvern Hills",Redditch,"Worcester City",Wychavon,"Wyre Forest"}',
     'Young People''s Lettings', 'lettings@severnvale.example', '01905 000104'),
    ('d0000000-0000-4000-8000-000000000005', 'Foxlea Supported Housing', 'housing_provider',
     '{"Worcester City","Wyre Forest",Wychavon}', 'Referrals Coordinator',
     'referrals@foxlea.example', '01905 000105'),
    ('d0000000-0000-4000-8000-000000000006', 'Hartbury Engineering Ltd', 'employer',
     '{Redditch,Bromsgrove}', 'Apprenticeships Lead', 'apprenticeships@hartbury.example',
     '01527 000106'),
    ('d0000000-0000-4000-8000-000000000007', 'Meadowgate Logistics', 'employer',
     '{"Worcester City",Wychavon}', 'HR Team', 'hr@meadowgate.example', '01905 000107'),
    ('d0000000-0000-4000-8000-000000000008', 'North Worcestershire College (demo)', 'college',
     '{Redditch,Bromsgrove,"Wyre Forest"}', 'Student Support', 'support@nwcollege.example',
     '01527 000108'),
    ('d0000000-0000-4000-8000-000000000009', 'Severn Sixth Form and Skills College (demo)',
     'college', '{"Worcester City","Malvern Hills",Wychavon}', 'Care Leaver Lead',
     'careleavers@severnskills.example', '01905 000109'),
    ('d0000000-0000-4000-8000-00000000000a', 'Demo Community Health NHS Trust', 'health',
     '{Bromsgrove,"Malvern Hills",Redditch,"Worcester City",Wychavon,"Wyre Forest"}',
     'Looked After Children Nurses', 'lac.health@nhs-demo.example', '01905 000110')
ON CONFLICT (name) DO NOTHING;
